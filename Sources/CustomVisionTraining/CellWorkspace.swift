import ImagePrep

/// What detection features need besides the image: its planes, the per-pixel texture maps, the cells' local and the
/// whole-image features, and the feature rows, kept between calls so a worker predicting image after image neither
/// allocates nor faults in fresh pages for each (the planes and maps are larger than glibc's mmap threshold).
///
/// Taken from ``pool`` for one call at a time.
final class CellWorkspace: @unchecked Sendable {
    static let pool = WorkspacePool { CellWorkspace() }

    /// The side the buffers are sized for.
    private var side = 0
    private var planes = UnsafeMutableBufferPointer<Float>.allocate(capacity: 0)
    private var floats = UnsafeMutableBufferPointer<Float>.allocate(capacity: 0)
    private var bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 0)
    /// Each cell's local features, ``CellDescriptor/localStride`` floats apart (the padding stays zero).
    let local: UnsafeMutablePointer<Float>
    /// The whole-image features.
    let global: UnsafeMutablePointer<Float>
    /// The last ``features(_:)`` call's rows.
    let rows: UnsafeMutableBufferPointer<Float>

    init() {
        let cells = CellDescriptor.grid * CellDescriptor.grid
        local = .allocate(capacity: cells * CellDescriptor.localStride)
        local.initialize(repeating: 0, count: cells * CellDescriptor.localStride)
        global = .allocate(capacity: CellDescriptor.globalCount)
        global.initialize(repeating: 0, count: CellDescriptor.globalCount)
        rows = .allocate(capacity: cells * CellDescriptor.count)
        rows.initialize(repeating: 0)
    }

    deinit {
        for buffer in [planes, floats, rows] { buffer.deallocate() }
        bytes.deallocate()
        local.deallocate()
        global.deallocate()
    }

    /// Sizes the per-pixel buffers for `side`, keeping them when it is the last call's.
    private func prepare(side: Int) {
        guard side != self.side else { return }
        self.side = side
        let (n, half) = (side * side, (side / 2) * (side / 2))
        for buffer in [planes, floats] { buffer.deallocate() }
        bytes.deallocate()
        planes = .allocate(capacity: 4 * n)
        floats = .allocate(capacity: n + half)
        bytes = .allocate(capacity: 3 * n + half)
        planes.initialize(repeating: 0)
        floats.initialize(repeating: 0)
        bytes.initialize(repeating: 0)
    }

    /// The texture-map buffers for planes of `side`.
    func maps(side: Int) -> CellDescriptor.Maps {
        prepare(side: side)
        let (n, f, b) = (side * side, floats.baseAddress!, bytes.baseAddress!)
        return CellDescriptor.Maps(lbp1: b, lbp2: b + n, lbpHalf: b + 3 * n, magnitude: f, bin: b + 2 * n, half: f + n)
    }

    /// The detection feature rows of `image` (``CellDescriptor/features(_:)`` of its ``Planes``), valid until the
    /// workspace's next use.
    func features(_ image: RGBImage) -> UnsafeBufferPointer<Float> {
        let s = CellDescriptor.side
        prepare(side: s)
        let p = planes.baseAddress!
        let pointers = PlanePointers(red: p, green: p + s * s, blue: p + 2 * s * s, gray: p + 3 * s * s)
        if image.width == 0 || image.height == 0 { planes.update(repeating: 0) }
        Planes.resample(image, side: s, into: pointers)
        CellDescriptor.features(pointers, side: s, self, into: rows.baseAddress!)
        return UnsafeBufferPointer(rows)
    }
}
