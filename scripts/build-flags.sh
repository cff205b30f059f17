# Sourced by the scripts and the Makefile: the `swift build` flags of a configuration (debug or release).
# Release binaries carry the Swift runtime and Foundation (--static-swift-stdlib): cvctl starts in about 10 ms of
# CPU instead of 15 (no binding of symbols across a dozen shared Swift libraries at each launch, which a script
# calling cvctl in a loop pays every time), and the binaries run where no Swift toolchain is installed (libcurl,
# libjpeg-turbo, libpng and SQLite stay shared). Every release build must pass the same flags: SwiftPM rebuilds the
# whole package when they change.
swift_build_flags() {
    if [ "$1" = release ]; then echo "-c release --static-swift-stdlib"; else echo "-c $1"; fi
}
