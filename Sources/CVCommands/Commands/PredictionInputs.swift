import CustomVisionCore
import CustomVisionDatasets
import Foundation
import ImagePrep

/// One input of `predict`/`evaluate`: a local file or a URL.
struct PredictionInput: Sendable, Hashable {
    var path: String
    var isURL: Bool
}

/// Expanding inputs, and showing the results of their predictions.
enum PredictionInputs {
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "bmp", "gif"]

    /// Files stay, folders become their images (sorted, recursively), http(s) URLs stay.
    /// - Throws: ``CLIError/data(_:)`` for a path that does not exist or a folder without images.
    static func expand(_ inputs: [String]) throws -> [PredictionInput] {
        var result: [PredictionInput] = []
        for input in inputs {
            if input.hasPrefix("http://") || input.hasPrefix("https://") {
                result.append(PredictionInput(path: input, isURL: true))
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw CLIError.data("\(input) does not exist")
            }
            if isDirectory.boolValue {
                let enumerator = FileManager.default.enumerator(atPath: input)
                var files: [String] = []
                while let next = enumerator?.nextObject() as? String {
                    if imageExtensions.contains((next as NSString).pathExtension.lowercased()) {
                        files.append((input as NSString).appendingPathComponent(next))
                    }
                }
                // An empty folder predicts nothing: a script should hear of it rather than get `[]` and exit 0.
                guard !files.isEmpty else {
                    throw CLIError.data("\(input) holds no image (\(imageExtensions.sorted().joined(separator: ", ")))")
                }
                result += files.sorted().map { PredictionInput(path: $0, isURL: false) }
            } else {
                result.append(PredictionInput(path: input, isURL: false))
            }
        }
        return result
    }

    static func table(_ results: [PredictionResult]) -> TextTable {
        var table = TextTable(headers: ["INPUT", "TAG", "PROBABILITY", "BOX (left,top,width,height)"])
        for result in results {
            if let error = result.error { table.append([result.input, "error", "-", error]) }
            if result.predictions.isEmpty, result.error == nil { table.append([result.input, "-", "-", "-"]) }
            for p in result.predictions {
                let box = p.boundingBox.map {
                    [Format.number($0.left), Format.number($0.top), Format.number($0.width), Format.number($0.height)]
                        .joined(separator: ",")
                } ?? "-"
                table.append([result.input, p.tagName ?? "-", Format.percent(p.probability), box])
            }
        }
        return table
    }
}

/// Writes annotated copies of predicted images.
enum PredictionDrawing {
    /// Decodes `path`, draws `predictions` on it and writes `folder/name` (default: the file's base name, `.jpg`).
    static func write(_ path: String, _ predictions: [Prediction], into folder: String, name: String? = nil) throws {
        let drawn = try render(path, predictions)
        let output = (folder as NSString).appendingPathComponent(name ?? baseName(path) + ".jpg")
        let bytes = try ImageEncoder.jpeg(drawn, quality: 90)
        guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
            throw CLIError.data("cannot write \(output)")
        }
    }
}

extension PredictionDrawing {
    /// The file at `path` decoded upright (as predictions are normalized to it) with `predictions` drawn on it;
    /// each tag keeps one colour.
    static func render(_ path: String, _ predictions: [Prediction]) throws -> RGBImage {
        guard let data = RegularFile.contents(atPath: path) else { throw CLIError.data("cannot read \(path)") }
        let image = try ImageDecoder.decode([UInt8](data))
        let labels = predictions.map {
            BoxDrawer.Label(box: $0.boundingBox,
                            text: "\($0.tagName ?? "?") \(Int((($0.probability ?? 0) * 100).rounded()))%")
        }
        return BoxDrawer().draw(labels, on: image) { label in colorIndex(label.text) }
    }

    /// The name each local input's drawing gets, so no drawing overwrites another: its base name with `.jpg`;
    /// when base names repeat (folders are read recursively), its path with `/` as `_`; when even those repeat
    /// (`x.jpg` beside `x.png`), with its extension kept.
    static func outputNames(_ inputs: [PredictionInput]) -> [String: String] {
        let paths = Set(inputs.filter { !$0.isURL }.map(\.path))
        let candidates: [(String) -> String] = [
            baseName,
            { flattened(($0 as NSString).deletingPathExtension) },
            { flattened($0) },
        ]
        var names: [String: String] = [:]
        var pending = paths
        for (level, candidate) in candidates.enumerated() where !pending.isEmpty {
            let uses = Dictionary(pending.map { (candidate($0), 1) }, uniquingKeysWith: +)
            for path in pending where uses[candidate(path)] == 1 || level == candidates.count - 1 {
                names[path] = candidate(path) + ".jpg"
                pending.remove(path)
            }
        }
        return names
    }

    private static func flattened(_ path: String) -> String {
        path.drop { $0 == "/" || $0 == "." }.replacingOccurrences(of: "/", with: "_")
    }

    private static func baseName(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// The palette index of a caption: by its tag name, the same in every run.
    static func colorIndex(_ caption: String) -> Int {
        caption.split(separator: " ").first.map { abs(String($0).hashValueStable) } ?? 0
    }
}

extension String {
    /// A hash that is the same in every run (Swift's `hashValue` is seeded per process).
    var hashValueStable: Int { utf8.reduce(5381) { ($0 &* 33) &+ Int($1) } & 0x7FFF_FFFF }
}
