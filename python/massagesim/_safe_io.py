"""Guards on scenario input before it reaches a parser or the solver.

Every check refuses with :class:`massagesim.InvalidArgument`, naming the file or field and what is
allowed: file type and size, text encoding, nesting depth, YAML alias expansion, null values left
by a truncated YAML file, and output paths that would leave the output directory. Names, tolerances
and technique rates are checked by the C++ loader and facade (scenario/limits.hpp) on every route. The limits that bound work or memory (not validity) can be
raised by the user through the environment variables named in their messages.
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import _core

#: Largest scenario file or text [bytes] (10^5 phases take ~10 MB of JSON); the C++ loader has the same limit.
MAX_SCENARIO_BYTES = 16 << 20
#: Deepest nesting of mappings/lists; the schema's deepest field is 4 levels down. Same as the C++ loader.
MAX_NESTING_DEPTH = 32
#: Most values a YAML document may expand to through its aliases (a "billion laughs" guard).
MAX_YAML_VALUES = 1_000_000
#: Longest output file stem [characters] (the C++ loader refuses longer scenario names: scenario/limits.hpp).
MAX_NAME_CHARS = 128

_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _fail(msg: str) -> _core.InvalidArgument:
    return _core.InvalidArgument(msg)


def env_limit(name: str, default: float) -> float:
    """A limit the user can raise through the environment variable ``name`` (a positive number)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise _fail(f"environment variable {name}: expected a positive number, got {raw!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise _fail(f"environment variable {name}: expected a positive number, got {raw!r}")
    return value


# ---- files and text ------------------------------------------------------------------------------


def read_scenario_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a scenario file: a regular file of at most :data:`MAX_SCENARIO_BYTES`.

    Opened non-blocking, so a FIFO cannot hang the open; its type is then checked on the open file.
    """
    p = Path(path)
    if "\x00" in str(p):
        raise _fail(f"{str(p)!r}: a file name cannot contain a NUL character")
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _fail(f"{p}: cannot open the scenario file ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
            raise _fail(f"{p}: the scenario file is {kind}; expected a regular .json, .yaml or .yml file")
        if st.st_size > MAX_SCENARIO_BYTES:
            raise _fail(f"{p}: the scenario file is {st.st_size} bytes; expected at most {MAX_SCENARIO_BYTES} bytes")
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > MAX_SCENARIO_BYTES:  # the file grew while being read
                raise _fail(f"{p}: the scenario file is over {MAX_SCENARIO_BYTES} bytes; expected at most that")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise _fail(f"{p}: error while reading the scenario file ({exc.strerror})") from None
    finally:
        os.close(fd)


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 text (a BOM is dropped); UTF-16/32 and other encodings are refused by name."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    other = None
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        other = "UTF-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        other = "UTF-16"
    elif len(data) >= 2 and (data[0] == 0 or data[1] == 0):
        other = "UTF-16 or UTF-32 (no byte-order mark)"
    if other:
        raise _fail(f"{source}: the scenario is encoded as {other}; expected UTF-8 (with or without a BOM)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(
            f"{source}: not UTF-8: byte 0x{data[exc.start]:02X} at line {line}, column {col} (Latin-1 or "
            "Windows-1252?); expected UTF-8 (with or without a BOM): re-save the file as UTF-8"
        ) from None


def check_text_size(text: str, source: str) -> None:
    """Refuse scenario text longer than :data:`MAX_SCENARIO_BYTES` (counted in characters, a lower bound)."""
    if len(text) > MAX_SCENARIO_BYTES:
        raise _fail(
            f"{source}: the scenario text is {len(text)} characters; expected at most {MAX_SCENARIO_BYTES} bytes"
        )


def json_depth_error(text: str) -> tuple[int, int] | None:
    """(line, column) where JSON text first nests deeper than :data:`MAX_NESTING_DEPTH`, else None."""
    depth = 0
    in_string = False
    escaped = False
    for i, c in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "{[":
            depth += 1
            if depth > MAX_NESTING_DEPTH:
                line = text.count("\n", 0, i) + 1
                return line, i - (text.rfind("\n", 0, i) + 1) + 1
        elif c in "}]" and depth > 0:
            depth -= 1
    return None


def check_json_text(text: str, source: str) -> None:
    """Size and nesting depth of JSON text, before a parser sees it."""
    check_text_size(text, source)
    at = json_depth_error(text)
    if at is not None:
        raise _fail(
            f"{source}: objects/arrays nested more than {MAX_NESTING_DEPTH} deep (at line {at[0]}, column {at[1]}); "
            "a scenario nests at most 4 deep"
        )


# ---- YAML ----------------------------------------------------------------------------------------

_JSON_FLOAT = re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$")


def _yaml_loader() -> Any:
    """A SafeLoader that reads JSON-style floats (``1e-06``: YAML 1.1 wants a dot) as numbers and
    refuses duplicate keys (which PyYAML would silently overwrite)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class ScenarioLoader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if isinstance(key, (str, int, float, bool)) and key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r} (first at {seen[key]})", key_node.start_mark
                    )
                if isinstance(key, (str, int, float, bool)):
                    seen[key] = f"line {key_node.start_mark.line + 1}"
            return super().construct_mapping(node, deep=deep)

    ScenarioLoader.add_implicit_resolver("tag:yaml.org,2002:float", _JSON_FLOAT, list("-+0123456789."))
    return ScenarioLoader


def _mark(event: Any) -> str:
    m = event.start_mark
    return f"line {m.line + 1}, column {m.column + 1}"


def check_yaml_structure(text: str, source: str) -> None:
    """Nesting depth and alias expansion of a YAML document, from its event stream (no tree built:
    PyYAML's composer recurses and would overflow on a deep document)."""
    import yaml

    depth = 0
    sizes: dict[str, int] = {}  # anchor -> number of values it expands to
    open_nodes: list[tuple[str | None, int]] = []  # (anchor, values so far) per open collection
    total = 0

    def add(n: int) -> None:
        nonlocal total
        total += n
        if open_nodes:
            anchor, count = open_nodes[-1]
            open_nodes[-1] = (anchor, count + n)
        if total > MAX_YAML_VALUES:
            raise _fail(
                f"{source}: the YAML expands to more than {MAX_YAML_VALUES} values through its aliases "
                "(a 'billion laughs' document?); a scenario needs far fewer"
            )

    loader = _yaml_loader()
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_NESTING_DEPTH:
                raise _fail(
                    f"{source}: mappings/lists nested more than {MAX_NESTING_DEPTH} deep (at {_mark(event)}); "
                    "a scenario nests at most 4 deep"
                )
            open_nodes.append((event.anchor, 1))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
            anchor, count = open_nodes.pop()
            if anchor is not None:
                sizes[anchor] = count
            add(count)
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor is not None:
                sizes[event.anchor] = 1
            add(1)
        elif isinstance(event, yaml.AliasEvent):
            add(sizes.get(event.anchor, 1))


def _find_null(data: Any, path: str = "") -> str | None:
    stack: list[tuple[Any, str]] = [(data, path)]
    while stack:
        v, p = stack.pop()
        if v is None:
            return p or "(top level)"
        if isinstance(v, Mapping):
            stack.extend((x, f"{p}.{k}" if p else str(k)) for k, x in reversed(list(v.items())))
        elif isinstance(v, list):
            stack.extend((x, f"{p}[{i}]") for i, x in reversed(list(enumerate(v))))
    return None


def load_yaml(text: str, source: str) -> Any:
    """Parse a YAML scenario after the structure checks; a field left empty (``key:`` with no value,
    what a file cut after a line leaves) is refused rather than taken as null."""
    import yaml

    check_text_size(text, source)
    try:
        check_yaml_structure(text, source)
        data = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise _fail(f"{source}: malformed YAML: {exc}") from None
    except RecursionError:  # defence in depth: the structure check bounds the depth first
        raise _fail(f"{source}: mappings/lists nested too deep; a scenario nests at most 4 deep") from None
    null_at = _find_null(data)
    if null_at is not None:
        raise _fail(
            f"{source}: {null_at}: empty value (null); every scenario field takes a value (is the file truncated?)"
        )
    return data


# ---- in-memory data ------------------------------------------------------------------------------


def check_data(data: Any, source: str) -> Any:
    """Walk a scenario's dict form without recursion: refuse deep nesting and cycles, and convert
    NumPy scalars and tuples to their JSON types. Returns a plain copy."""
    try:
        import numpy as np

        np_number: tuple[type, ...] = (np.integer, np.floating, np.bool_)
    except ImportError:  # pragma: no cover - numpy is a dependency
        np_number = ()

    def plain(v: Any) -> Any:
        if np_number and isinstance(v, np_number):
            return v.item()
        return v

    root: list[Any] = [None]
    # (value, parent container, key in parent, path, depth, ids of the containers above)
    stack: list[tuple[Any, Any, Any, str, int, frozenset[int]]] = [(data, root, 0, "", 0, frozenset())]
    while stack:
        v, parent, key, path, depth, above = stack.pop()
        where = path or "(top level)"
        if isinstance(v, (Mapping, list, tuple)):
            if depth >= MAX_NESTING_DEPTH:
                raise _fail(
                    f"{source}: {where}: nested more than {MAX_NESTING_DEPTH} deep; a scenario nests at most 4 deep"
                )
            if id(v) in above:
                raise _fail(f"{source}: {where}: refers back to a container it is inside (a cycle)")
            inner = above | {id(v)}
            if isinstance(v, Mapping):
                out: Any = {}
                for k, x in v.items():
                    if not isinstance(k, str):
                        raise _fail(f"{source}: {where}: keys must be strings, got {type(k).__name__} {k!r}")
                    out[k] = None
                    stack.append((x, out, k, f"{path}.{k}" if path else k, depth + 1, inner))
            else:
                out = [None] * len(v)
                for i, x in enumerate(v):
                    stack.append((x, out, i, f"{path}[{i}]", depth + 1, inner))
            parent[key] = out
        else:
            v = plain(v)
            if isinstance(v, float) and not math.isfinite(v):
                raise _fail(
                    f"{source}: {where}: a number is NaN or infinite (JSON has neither): got {v}; expected a finite number"
                )
            if not (v is None or isinstance(v, (str, bool, int, float))):
                raise _fail(
                    f"{source}: {where}: expected a number, string, boolean, list or mapping, got {type(v).__name__}"
                )
            parent[key] = v
    return root[0]


# ---- names and output paths ----------------------------------------------------------------------


def safe_stem(name: str) -> str:
    """A file-name stem from a scenario name: letters, digits, ``._-`` kept, others become ``_``."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:MAX_NAME_CHARS]
    return stem or "scenario"


def confined(out_dir: Path, filename: str) -> Path:
    """``out_dir / filename``, refused unless it stays inside ``out_dir``."""
    base = out_dir.resolve()
    target = (base / filename).resolve()
    if target.parent != base or "\x00" in filename:
        raise _fail(f"output file {filename!r} would be written outside --out-dir {out_dir}")
    return out_dir / filename


def atomic_write(path: Path, write: Any) -> Path:
    """Call ``write(tmp_path)`` then rename the temporary file onto ``path``: a run stopped midway
    leaves no half-written file under the final name. Returns ``path``."""
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")  # writers pick the format by suffix
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    return path


# ---- solver options ------------------------------------------------------------------------------
# The sane ranges (tolerances, technique rates, names) live in C++ (scenario/limits.hpp): the loader
# and simulate() apply them on every route; this layer only turns Python values into numbers first.


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            import numpy as np

            if isinstance(value, (np.integer, np.floating)):
                return float(value)
        except ImportError:  # pragma: no cover
            pass
        raise _fail(f"{where}: expected a number, got {type(value).__name__} {value!r}")
    return float(value)


def check_solver_values(options: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Check ``rtol``, ``atol``, ``dt_max_s``, ``save_every_s`` (those present) and return them as floats;
    tolerances against the C++ ranges at once (a Simulator is refused when made, not on a worker)."""
    out = dict(options)
    for key in ("rtol", "atol", "dt_max_s", "save_every_s"):
        if key not in options or options[key] is None:
            continue
        v = _number(options[key], f"{where}{key}")
        if not math.isfinite(v) or v <= 0:
            unit = " s" if key.endswith("_s") else ""
            raise _fail(f"{where}{key}: expected a finite number > 0{unit}, got {v}")
        if key in ("rtol", "atol"):
            problem = _core.tolerance_problem(key, v)
            if problem:
                raise _fail(f"{where}{key}: {problem}")
        out[key] = v
    return out
