import Foundation

/// The last component of a file path split as `URL` splits it (`lastPathComponent`, `pathExtension`, the stem of
/// `deletingPathExtension()`), without building a URL for the common names: ASCII letters, digits, `_` and `-`
/// around a single dot. Other names are split by `URL` itself.
struct FileName {
    private let path: String
    private let start: String.Index
    /// The index of the single dot of a common name, nil for other names.
    private let dot: String.Index?

    /// Looks at the last component of a standardized file `path`.
    init(path: String) {
        self.path = path
        let utf8 = path.utf8
        start = utf8.lastIndex(of: UInt8(ascii: "/")).map { utf8.index(after: $0) } ?? utf8.startIndex
        dot = Self.simpleDot(path[start...])
    }

    private var url: URL { URL(fileURLWithPath: path, isDirectory: false) }

    /// The last path component.
    var name: String { dot == nil ? url.lastPathComponent : String(path[start...]) }

    /// The extension, as `URL.pathExtension` ("" when none).
    var pathExtension: String {
        guard let dot else { return url.pathExtension }
        return String(path[path.utf8.index(after: dot)...])
    }

    /// The name without its extension, as `URL.deletingPathExtension().lastPathComponent`.
    var stem: String {
        guard let dot else { return url.deletingPathExtension().lastPathComponent }
        return String(path[start..<dot])
    }

    /// The index of the one dot of a name made of `[A-Za-z0-9_-]` around a single inner dot, else nil.
    static func simpleDot(_ name: Substring) -> Substring.Index? {
        // Over the contiguous bytes when the string has them (native strings do): walking `utf8.indices` of a
        // substring was most of the time of indexing a folder of images by name.
        let offset = name.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            var dot: Int?
            for (i, c) in bytes.enumerated() {
                if c == UInt8(ascii: ".") {
                    guard dot == nil, i != 0 else { return nil }
                    dot = i
                } else if !isPlainByte(c) {
                    return nil
                }
            }
            guard let dot, dot + 1 != bytes.count else { return nil }
            return dot
        }
        if let offset { return offset.map { name.utf8.index(name.startIndex, offsetBy: $0) } }
        var dot: Substring.Index?
        for index in name.utf8.indices {
            let c = name.utf8[index]
            if c == UInt8(ascii: ".") {
                guard dot == nil, index != name.startIndex else { return nil }
                dot = index
            } else if !isPlainByte(c) {
                return nil
            }
        }
        guard let dot, name.utf8.index(after: dot) != name.endIndex else { return nil }
        return dot
    }

    /// True for a name that means the same as a path relative to any folder and as the last component of that
    /// path: not empty, not `.` or `..`, without `/`, `\` or NUL (which `DatasetFileSystem.resolve` rewrites or
    /// refuses).
    static func isPlainName(_ written: String) -> Bool {
        guard !written.isEmpty, written != ".", written != ".." else { return false }
        return !written.utf8.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 == 0 }
    }

    private static func isPlainByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_")
            || c == UInt8(ascii: "-")
    }
}
