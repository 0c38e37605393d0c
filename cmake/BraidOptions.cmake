# Compiler warnings and sanitizer flags shared by every braid target.

add_library(braid_build_flags INTERFACE)
target_compile_options(braid_build_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wno-unused-parameter -Wnon-virtual-dtor
  $<$<BOOL:${BRAID_WERROR}>:-Werror>)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(braid_build_flags INTERFACE -Wshadow=local)
  # gcc 12 reports false positives on std::variant/std::optional at -O2 (GCC bugs 105562, 107138).
  target_compile_options(braid_build_flags INTERFACE -Wno-maybe-uninitialized -Wno-array-bounds
    -Wno-stringop-overflow -Wno-restrict)
endif()
# __int128 is used for decimal128 arithmetic; -Wpedantic would flag each use.
target_compile_options(braid_build_flags INTERFACE -Wno-pedantic)

if(BRAID_SANITIZE STREQUAL "address")
  set(_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
elseif(BRAID_SANITIZE STREQUAL "thread")
  set(_san -fsanitize=thread -fno-omit-frame-pointer)
elseif(BRAID_SANITIZE)
  message(FATAL_ERROR "BRAID_SANITIZE must be empty, 'address' or 'thread', not '${BRAID_SANITIZE}'")
endif()
if(_san)
  add_compile_options(${_san})
  add_link_options(${_san})
endif()

# libFuzzer targets are built inside the ASan build: the libraries get coverage instrumentation
# (fuzzer-no-link), only the fuzz programs link libFuzzer's main.
if(BRAID_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "BRAID_BUILD_FUZZ needs clang (libFuzzer)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Release builds: optimise for the machine family, keep symbols out of the way.
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "" FORCE)
endif()
