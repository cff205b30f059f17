import Foundation

/// One operation of a swagger file, read by the tests independently of the client code.
public struct SpecOperation {
    public var id: String
    public var method: String
    public var pathTemplate: String
    public var queryParameters: [String: Bool]  // name → required
    public var bodySchema: [String: Any]?
    public var bodyParameterName: String?
    public var bodyRequired = false
    public var takesFile = false
    public var successStatus: Int
    public var responseSchema: [String: Any]?
    /// Every response of the operation by status (`default` included).
    public var responses: [String: Any] = [:]
}

/// A swagger document: its operations and definitions.
public struct SpecDocument: @unchecked Sendable {  // immutable after loading
    public var basePath: String
    public var operations: [SpecOperation]
    public var definitions: [String: Any]

    public static let training = load("CustomVision-Training-v3.3.json")
    public static let prediction = load("CustomVision-Prediction-v3.0.json")

    public static func load(_ name: String) -> SpecDocument {
        let url = FixturePaths.fixture("spec/\(name)")
        let data = try! Data(contentsOf: url)  // the fixture is part of the repository
        let root = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        let shared = root["parameters"] as? [String: Any] ?? [:]
        var operations: [SpecOperation] = []
        for (path, item) in root["paths"] as! [String: [String: Any]] {
            let common = item["parameters"] as? [[String: Any]] ?? []
            for (method, value) in item where method != "parameters" {
                let op = value as! [String: Any]
                let responses = op["responses"] as! [String: Any]
                let success = responses.keys.compactMap(Int.init).filter { $0 < 300 }.sorted()
                var operation = SpecOperation(
                    id: op["operationId"] as! String, method: method.uppercased(), pathTemplate: path,
                    queryParameters: [:], successStatus: success[0],
                    responseSchema: (responses[String(success[0])] as? [String: Any])?["schema"] as? [String: Any],
                    responses: responses)
                for var parameter in common + (op["parameters"] as? [[String: Any]] ?? []) {
                    if let ref = parameter["$ref"] as? String {
                        parameter = shared[String(ref.split(separator: "/").last!)] as! [String: Any]
                    }
                    let required = parameter["required"] as? Bool ?? false
                    switch parameter["in"] as? String {
                    case "query": operation.queryParameters[parameter["name"] as! String] = required
                    case "body":
                        operation.bodySchema = parameter["schema"] as? [String: Any]
                        operation.bodyParameterName = parameter["name"] as? String
                        operation.bodyRequired = required
                    case "formData": operation.takesFile = true
                    default: break
                    }
                }
                operations.append(operation)
            }
        }
        return SpecDocument(
            basePath: root["basePath"] as! String, operations: operations,
            definitions: root["definitions"] as! [String: Any])
    }

    /// The operation whose method and path template match a request path (below the base path); literal
    /// segments win over parameters, as in the service's routing.
    public func match(method: String, path: String) -> SpecOperation? {
        let segments = path.split(separator: "/").map(String.init)
        let candidates = operations.filter { operation in
            let template = operation.pathTemplate.split(separator: "/").map(String.init)
            guard operation.method == method, template.count == segments.count else { return false }
            return zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        return candidates.max { literalCount($0) < literalCount($1) }
    }

    private func literalCount(_ operation: SpecOperation) -> Int {
        operation.pathTemplate.split(separator: "/").filter { !$0.hasPrefix("{") }.count
    }

    /// Resolves a `$ref` schema.
    public func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String else { return schema }
        return definitions[String(ref.split(separator: "/").last!)] as! [String: Any]
    }

    /// A JSON value conforming to `schema`, with every property filled in.
    public func sample(_ schema: [String: Any], depth: Int = 0) -> Any {
        let schema = resolve(schema)
        if let values = schema["enum"] as? [Any], let first = values.first { return first }
        switch schema["type"] as? String {
        case "array":
            return depth > 8 ? [] : [sample(schema["items"] as! [String: Any], depth: depth + 1)]
        case "string":
            switch schema["format"] as? String {
            case "uuid": return "6f1c1c6e-4f6e-4b0a-9d8e-2a5b7c1d9e01"
            case "date-time": return "2019-06-17T17:27:59.8484211Z"
            case "byte": return "AAEC"
            default: return "text"
            }
        case "integer": return 3
        case "number": return 0.5
        case "boolean": return true
        default:
            var object: [String: Any] = [:]
            for (name, property) in schema["properties"] as? [String: Any] ?? [:] where depth < 9 {
                object[name] = sample(property as! [String: Any], depth: depth + 1)
            }
            if let additional = schema["additionalProperties"] as? [String: Any] {
                object["key"] = sample(additional, depth: depth + 1)
            }
            return object
        }
    }

    /// The property names a body schema allows, or `nil` when it allows any (a free-form object).
    public func propertyNames(_ schema: [String: Any]) -> Set<String>? {
        let resolved = resolve(schema)
        guard let properties = resolved["properties"] as? [String: Any] else { return nil }
        return Set(properties.keys)
    }
}
