import Foundation

extension URL {
    /// `standardizedFileURL.path`, without Foundation's standardization for a path that has no `.`, `..` or empty
    /// components (a dataset's image paths nearly always), where it changes nothing.
    package var standardizedPath: String {
        let path = path
        return Self.mayNeedStandardizing(path) ? standardizedFileURL.path : path
    }

    /// Whether `path` has `/.` or `//` in it (one pass over its bytes; `String.contains` of a string goes through
    /// Foundation's search, which costs more than the standardization it would spare).
    static func mayNeedStandardizing(_ path: String) -> Bool {
        var afterSlash = false
        for byte in path.utf8 {
            if afterSlash, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/") { return true }
            afterSlash = byte == UInt8(ascii: "/")
        }
        return false
    }
}
