import CustomVisionCore
import Foundation
import HTTPTypes
import Hummingbird

/// A request's query string, percent-decoded, with the service's argument errors.
struct Query: Sendable {
    /// Every value of each name, in order: a name may repeat.
    private var values: [String: [String]] = [:]

    init(_ request: Request) {
        for pair in (request.uri.query ?? "").split(separator: "&") {
            // `=v` has an empty name, which no parameter matches (keeping empty pieces, so it never reads as `v`).
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let key = Self.decode(parts[0]).lowercased()
            guard !key.isEmpty else { continue }
            values[key, default: []].append(parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    private static func decode(_ s: String) -> String {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? s
    }

    /// The value of `name` (matched case-insensitively, as ASP.NET does); the last one when it repeats.
    subscript(_ name: String) -> String? { values[name.lowercased()]?.last }

    func string(_ name: String) -> String? {
        guard let v = self[name], !v.isEmpty else { return nil }
        return v
    }

    func require(_ name: String) throws -> String {
        guard let v = string(name) else {
            throw APIError.badRequest("The parameter \(name) is required.", code: .badRequestRequiredParamIsNull)
        }
        return v
    }

    func uuid(_ name: String) throws -> UUID? {
        guard let v = string(name) else { return nil }
        guard let id = UUID(uuidString: v) else {
            throw APIError.badRequest(
                "The value '\(v.prefix(64))' is not valid for \(name).", code: .badRequestInvalidIds)
        }
        return id
    }

    /// A comma-separated (or repeated) list of ids.
    func uuids(_ name: String) throws -> [UUID] {
        let v = (values[name.lowercased()] ?? []).joined(separator: ",")
        return try v.split(separator: ",").map { part in
            guard let id = UUID(uuidString: part.trimmingCharacters(in: .whitespaces)) else {
                throw APIError.badRequest("Invalid id '\(part.prefix(64))' in \(name).", code: .badRequestInvalidIds)
            }
            return id
        }
    }

    func int(_ name: String) throws -> Int? {
        guard let v = string(name) else { return nil }
        guard let n = Int(v) else { throw APIError.badRequest("The value '\(v.prefix(32))' is not valid for \(name).") }
        return n
    }

    func double(_ name: String) throws -> Double? {
        guard let v = string(name) else { return nil }
        guard let n = Double(v), n.isFinite else {
            throw APIError.badRequest("The value '\(v.prefix(32))' is not valid for \(name).")
        }
        return n
    }

    /// The value of `name` lowercased when it is one of `values` (compared ignoring case, as the service takes its
    /// enums); nil when absent.
    /// - Throws: a 400 naming the parameter and its values for anything else.
    func choice(_ name: String, among values: [String]) throws -> String? {
        guard let v = string(name) else { return nil }
        guard values.contains(where: { $0.caseInsensitiveCompare(v) == .orderedSame }) else {
            throw APIError.badRequest(
                "The value '\(v.prefix(32))' is not valid for \(name) (\(values.joined(separator: ", "))).")
        }
        return v.lowercased()
    }

    func bool(_ name: String) throws -> Bool? {
        guard let v = string(name)?.lowercased() else { return nil }
        switch v {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.badRequest("The value '\(v.prefix(32))' is not valid for \(name).")
        }
    }

    /// `skip`/`take` with the service's defaults and bounds.
    func paging() throws -> (skip: Int, take: Int) {
        let take = try int("take") ?? ServiceLimits.defaultTake
        let skip = try int("skip") ?? 0
        guard (0...ServiceLimits.maxTake).contains(take) else {
            throw APIError.badRequest("take must be between 0 and \(ServiceLimits.maxTake).")
        }
        guard skip >= 0 else { throw APIError.badRequest("skip must not be negative.") }
        return (skip, take)
    }
}
