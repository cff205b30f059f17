import CTurboJPEG
import Synchronization

/// What one `ImagePreparer` call needs besides the options: TurboJPEG handles and scratch buffers, kept between
/// calls so a worker preparing image after image neither re-creates libjpeg state nor faults in fresh pages for
/// every image.
///
/// Workspaces live in a small process-wide pool: a call takes one (or makes one when the pool is empty), uses it
/// alone, and gives it back. So at most one thread touches a workspace at a time — the invariant behind
/// `@unchecked Sendable` — and there are about as many workspaces as threads that prepared images at once.
final class PrepWorkspace: @unchecked Sendable {
    /// Buffers larger than this are freed when the workspace goes back to the pool, so a one-off huge image does
    /// not stay resident (a 12 MP photo decoded at 1/8 scale needs well under 1 MB per plane).
    static let retainedBufferLimit = 16 << 20
    /// At most this many idle workspaces are kept.
    static let poolLimit = 32

    private static let pool = Mutex<[PrepWorkspace]>([])

    private var decompressor: tjhandle?
    private var compressor: tjhandle?
    /// The decoded Y, Cb, Cr planes.
    let decoded = [ScratchBuffer(), ScratchBuffer(), ScratchBuffer()]
    /// The decoded planes turned upright (EXIF orientation).
    let upright = [ScratchBuffer(), ScratchBuffer(), ScratchBuffer()]
    /// The resized Y, Cb, Cr planes handed to the encoder.
    let resized = [ScratchBuffer(), ScratchBuffer(), ScratchBuffer()]
    /// The encoder's output.
    let output = ScratchBuffer()
    /// The resampler's intermediate rows.
    let resample = Resampler.Scratch()

    /// Runs `body` with a workspace of its own, taken from the pool and returned to it afterwards.
    static func with<Result>(_ body: (PrepWorkspace) throws -> Result) rethrows -> Result {
        let workspace = pool.withLock { $0.popLast() } ?? PrepWorkspace()
        defer {
            workspace.trim()
            pool.withLock { if $0.count < poolLimit { $0.append(workspace) } }
        }
        do {
            return try body(workspace)
        } catch {
            // libjpeg can stop part-way through a header or scan (TurboJPEG 2.x's header call does not abort the
            // decompressor on error): a handle left in that state would read the next file as a continuation.
            workspace.destroyHandles()
            throw error
        }
    }

    /// Destroys the TurboJPEG handles; the next call creates fresh ones.
    private func destroyHandles() {
        if let decompressor { tjDestroy(decompressor) }
        if let compressor { tjDestroy(compressor) }
        (decompressor, compressor) = (nil, nil)
    }

    /// The decompressor, created on first use.
    func decompressorHandle() throws -> tjhandle {
        if let decompressor { return decompressor }
        guard let handle = tjInitDecompress() else { throw ImagePrepError(.corrupt, "cannot start libjpeg-turbo") }
        decompressor = handle
        return handle
    }

    /// The compressor, created on first use.
    func compressorHandle() throws -> tjhandle {
        if let compressor { return compressor }
        guard let handle = tjInitCompress() else { throw ImagePrepError(.encodingFailed, "cannot start libjpeg-turbo") }
        compressor = handle
        return handle
    }

    private func trim() {
        let resampler = [resample.wide, resample.accumulator, resample.left, resample.right]
        for buffer in decoded + upright + resized + resampler + [output] {
            buffer.shrink(toAtMost: Self.retainedBufferLimit)
        }
    }

    deinit {
        destroyHandles()
    }
}
