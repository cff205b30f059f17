import Foundation

/// Reading an image file a dataset or a command line names, refusing anything but a regular file: a FIFO or a
/// device under an image's name would otherwise block the read forever (or never end).
public enum RegularFile {
    /// The bytes of the regular file at `path`; nil when it is not a regular file (after links) or cannot be read.
    public static func contents(atPath path: String) -> Data? {
        FileDescriptorReading.contentsOfRegularFile(path).map { Data($0) }
    }
}
