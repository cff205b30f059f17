/// Interleaved 8-bit pixels (1 or 3 channels) seen through a pointer: `height` rows of `width` pixels, row `y`
/// starting `y * stride` bytes after `base`. Valid only while the memory it points at is; never escapes a call.
struct PlaneView {
    var base: UnsafePointer<UInt8>
    var width: Int
    var height: Int
    var stride: Int
    var channels: Int = 1

    /// The bytes of the pixels of one row (without the padding up to `stride`).
    var rowBytes: Int { width &* channels }
}

/// A writable `PlaneView`.
struct MutablePlaneView {
    var base: UnsafeMutablePointer<UInt8>
    var width: Int
    var height: Int
    var stride: Int
    var channels: Int = 1

    /// The same memory, read-only.
    var readOnly: PlaneView {
        PlaneView(base: UnsafePointer(base), width: width, height: height, stride: stride, channels: channels)
    }

    /// The `width` × `height` rectangle at (`x`, `y`) of this plane (which must contain it).
    func region(x: Int, y: Int, width: Int, height: Int) -> MutablePlaneView {
        precondition(x >= 0 && y >= 0 && x + width <= self.width && y + height <= self.height)
        return MutablePlaneView(base: base + y * stride + x * channels, width: width, height: height, stride: stride,
            channels: channels)
    }

    /// Sets every byte of the pixels to `value`.
    func fill(_ value: UInt8) {
        for y in 0..<height { (base + y &* stride).update(repeating: value, count: width &* channels) }
    }

    /// Copies `source` (same size and channels) row by row.
    func copy(from source: PlaneView) {
        precondition(source.width == width && source.height == height && source.channels == channels)
        for y in 0..<height {
            (base + y &* stride).update(from: source.base + y &* source.stride, count: source.rowBytes)
        }
    }

    /// Repeats the last real column into columns `width..<paddedWidth` and the last real row into rows
    /// `height..<paddedHeight` (1 channel): the padding TurboJPEG's planar encoder reads for odd sizes.
    func replicateEdges(paddedWidth: Int, paddedHeight: Int) {
        precondition(channels == 1 && paddedWidth <= stride && width > 0 && height > 0)
        if paddedWidth > width {
            for y in 0..<height {
                let row = base + y &* stride
                for x in width..<paddedWidth { row[x] = row[width &- 1] }
            }
        }
        for y in height..<paddedHeight {
            (base + y &* stride).update(from: base + (height &- 1) &* stride, count: paddedWidth)
        }
    }
}

/// A growable heap buffer kept between calls (one per `PrepWorkspace` slot), so a worker preparing image after
/// image reuses memory already mapped instead of faulting in fresh pages for every image.
final class ScratchBuffer {
    private(set) var base: UnsafeMutableRawPointer?
    private(set) var capacity = 0

    /// At least `count` bytes (contents unspecified), reallocating only when the buffer is too small. A buffer
    /// serves either bytes or integers, never both.
    func bytes(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        reserve(count).bindMemory(to: UInt8.self, capacity: count)
    }

    /// At least `count` 32-bit integers (contents unspecified).
    func ints(_ count: Int) -> UnsafeMutablePointer<Int32> {
        reserve(count &* 4).bindMemory(to: Int32.self, capacity: count)
    }

    /// Frees the memory when it is larger than `limit` bytes (a one-off huge image should not stay resident).
    func shrink(toAtMost limit: Int) {
        guard capacity > limit else { return }
        base?.deallocate()
        base = nil
        capacity = 0
    }

    private func reserve(_ count: Int) -> UnsafeMutableRawPointer {
        if let base, count <= capacity { return base }
        base?.deallocate()
        // Rounded up (and never empty) so slightly larger images do not reallocate, with 16 bytes of slack for
        // loads that read a few bytes past the end of a row.
        capacity = max((count + 4095) & ~4095, 4096)
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: capacity + 16, alignment: 64)
        base = fresh
        return fresh
    }

    deinit { base?.deallocate() }
}
