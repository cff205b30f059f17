import Foundation

/// A value inside a parsed JSON document with its JSON path, so type errors name the place
/// (`annotations.json $.annotations[3].bbox`; `manifest.jsonl:4 $.tags` for a document on one line of a file).
struct JSONCursor {
    let value: Any?
    let file: String
    let path: String
    /// The 1-based line of the document, when it is one line of a JSON Lines file.
    var line: Int? = nil

    var location: DatasetLocation { DatasetLocation(file: file, line: line, jsonPath: path) }

    func field(_ key: String) -> JSONCursor {
        JSONCursor(value: (value as? [String: Any])?[key], file: file, path: "\(path).\(key)", line: line)
    }

    private func fail(_ key: String, _ expected: String) -> DatasetError {
        let child = field(key)
        if child.value == nil || child.value is NSNull {
            return DatasetError(.missingField, "missing \(expected) '\(key)'", at: child.location)
        }
        return DatasetError(.invalidValue, "'\(key)' must be \(expected)", at: child.location)
    }

    /// The elements of the array at `key` (empty when absent and not `required`).
    func array(_ key: String, required: Bool = true) throws -> [JSONCursor] {
        let child = field(key)
        guard let items = child.value as? [Any] else {
            if !required, child.value == nil { return [] }
            throw fail(key, "an array")
        }
        return items.enumerated().map { JSONCursor(value: $1, file: file, path: "\(child.path)[\($0)]", line: line) }
    }

    func string(_ key: String) throws -> String {
        guard let s = field(key).value as? String else { throw fail(key, "a string") }
        return s
    }

    func optionalString(_ key: String) throws -> String? {
        let v = field(key).value
        if v == nil || v is NSNull { return nil }
        guard let s = v as? String else { throw fail(key, "a string") }
        return s
    }

    /// Whether a value JSONSerialization decoded is `true` or `false` (on Linux an NSNumber whose `is Bool` holds
    /// for 0 and 1 too, so the type is asked instead).
    private static func isBoolean(_ v: Any?) -> Bool {
        guard let v else { return false }
        if type(of: v) == Bool.self { return true }
        return (v as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? false
    }

    private static func number(_ v: Any?) -> Double? {
        let d: Double
        if let i = v as? Int {
            d = Double(i)
        } else if let x = v as? Double {
            d = x
        } else if let n = v as? NSNumber, !(v is String) {
            d = n.doubleValue
        } else {
            return nil
        }
        return d.isFinite ? d : nil
    }

    /// The finite number at `key`.
    func number(_ key: String) throws -> Double {
        guard let d = Self.number(field(key).value) else { throw fail(key, "a number") }
        return d
    }

    func optionalInt(_ key: String) throws -> Int? {
        let v = field(key).value
        if v == nil || v is NSNull { return nil }
        guard let d = Self.number(v), d == d.rounded(), abs(d) < 1e12 else { throw fail(key, "a whole number") }
        return Int(d)
    }

    func optionalNumbers(_ key: String) throws -> [Double]? {
        let v = field(key).value
        if v == nil || v is NSNull { return nil }
        guard let items = v as? [Any] else { throw fail(key, "an array of numbers") }
        return try items.map {
            guard let d = Self.number($0) else { throw fail(key, "an array of numbers") }
            return d
        }
    }

    /// An id (number or string) as a dictionary key.
    func idKey(_ key: String) throws -> String {
        let v = field(key).value
        if let s = v as? String { return s }
        // A whole number Int64 holds (2^63 itself does not): beyond it, `Int64(d)` would trap.
        if !Self.isBoolean(v), let d = Self.number(v), d == d.rounded(), abs(d) < 0x1p63 { return String(Int64(d)) }
        throw fail(key, "a whole number (below 2^63 in size) or a string id")
    }
}
