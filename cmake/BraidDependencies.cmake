# Third-party libraries, all from Debian packages (scripts/install-deps installs them).

find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(PkgConfig REQUIRED)

if(BRAID_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(BRAID_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
find_package(CLI11 REQUIRED)

# Compression codecs (Parquet pages).
find_package(ZLIB REQUIRED)
find_package(Snappy CONFIG REQUIRED)
find_package(zstd CONFIG REQUIRED)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
pkg_check_modules(BROTLI REQUIRED IMPORTED_TARGET libbrotlienc libbrotlidec)
if(TARGET zstd::libzstd_shared)
  set(BRAID_ZSTD zstd::libzstd_shared)
else()
  set(BRAID_ZSTD zstd::libzstd_static)
endif()
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
