import CTurboJPEG

/// Process-wide allocator settings for programs that prepare many images in a row (servers, bulk uploads,
/// benchmarks). Opt-in: a library should not change a process's malloc policy behind its back.
public enum AllocatorTuning {
    /// Keeps freed image-sized buffers (hundreds of KB to tens of MB) in the heap for reuse instead of returning
    /// them to the kernel after every image, which otherwise costs a page fault per 4 KB touched on the next image
    /// (measured here: 20–30% of the time for 200×200 → 256×256). glibc only (`mallopt`); elsewhere a no-op.
    ///
    /// Memory is then held at its peak per thread (a few MB per worker for 12 MP photos decoded at 1/8 scale).
    /// - Parameters:
    ///   - mmapThreshold: allocations at least this large still get their own mapping; default 32 MiB (glibc's
    ///     maximum).
    ///   - trimThreshold: free heap top kept before returning memory to the kernel; default 256 MiB.
    /// - Returns: true when the settings were applied.
    @discardableResult
    public static func keepImageBuffersResident(mmapThreshold: Int = 32 << 20, trimThreshold: Int = 256 << 20)
        -> Bool
    {
        cv_malloc_keep_resident(Int32(clamping: mmapThreshold), Int32(clamping: trimThreshold)) == 1
    }
}
