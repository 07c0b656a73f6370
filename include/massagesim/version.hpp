#pragma once
/// \file version.hpp
/// \brief Library version (kept equal to project(VERSION) in CMakeLists.txt; a test checks it).

#define MASSAGESIM_VERSION_MAJOR 0
#define MASSAGESIM_VERSION_MINOR 1
#define MASSAGESIM_VERSION_PATCH 0
#define MASSAGESIM_VERSION_STRING "0.1.0"
