import Foundation

extension URL {
    /// `standardizedFileURL.path`, without Foundation's standardization for a path that has no `.`, `..` or empty
    /// components (a dataset's image paths nearly always), where it changes nothing.
    package var standardizedPath: String {
        let path = path
        return path.contains("/.") || path.contains("//") ? standardizedFileURL.path : path
    }
}
