"""Regenerate the README gallery figures: python docs/figures/make_gallery.py (about a minute)."""

from __future__ import annotations

from pathlib import Path

import massagesim as ms
from massagesim._plotting import save_figure
from massagesim._report import family_figure

HERE = Path(__file__).resolve().parent


def main() -> None:
    sc = ms.Scenario.default()
    save_figure(sc.plot(), HERE / "gallery_protocol.png", dpi=100)
    limb = ms.simulate(sc, outputs=ms.limb_outputs(sc.segment_names), arms=["massage"], save_every_s=5.0)
    save_figure(limb.plot_limb([470.0, 600.0, 900.0, 1500.0]), HERE / "gallery_limb.png", dpi=100)
    save_figure(family_figure(ms.validate(["R1."])), HERE / "gallery_validation_R1.png", dpi=100)
    for p in sorted(HERE.glob("gallery_*.png")):
        print("wrote", p)


if __name__ == "__main__":
    main()
