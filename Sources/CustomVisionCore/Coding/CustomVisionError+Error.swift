import Foundation

extension CustomVisionError: Error, CustomStringConvertible {
    /// `code: message`, as the service wrote them.
    public var description: String { "\(code.rawValue): \(message)" }
}
