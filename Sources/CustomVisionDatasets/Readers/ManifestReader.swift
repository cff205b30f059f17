import Foundation

/// Reads a multilabel manifest: JSON Lines, one object per image, `{"file": "a.jpg", "tags": ["x", "y"]}` (`image`
/// is accepted for `file`). A folder's top-level `*.jsonl` files are merged.
enum ManifestReader {
    static func read(_ entry: URL, context: inout ReadContext) throws -> Dataset {
        let files =
            DatasetReader.isDirectory(entry)
            ? try context.fs.listFiles(in: entry, recursive: false).filter { $0.pathExtension.lowercased() == "jsonl" }
            : [entry]
        guard !files.isEmpty else {
            throw DatasetError(.unknownFormat, "no manifest (*.jsonl) found", at: context.fs.location(entry))
        }
        var dataset = Dataset(root: context.fs.root)
        for file in files {
            let name = context.fs.displayName(file)
            let lines = try context.fs.readText(file).split(separator: "\n", omittingEmptySubsequences: false)
            for (offset, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let place = DatasetLocation(file: name, line: offset + 1)
                let object: Any
                do {
                    object = try JSONSerialization.jsonObject(with: Data(line.utf8))
                } catch {
                    throw DatasetError(.malformed, "manifest line is not a JSON object", at: place)
                }
                let cursor = JSONCursor(value: object, file: name, path: "$")
                guard object is [String: Any],
                    let written = try cursor.optionalString("file") ?? cursor.optionalString("image")
                else {
                    throw DatasetError(.missingField, "manifest line needs a \"file\" string", at: place)
                }
                let tags = try cursor.array("tags", required: false).map { item -> String in
                    guard let tag = item.value as? String else {
                        throw DatasetError(.invalidValue, "tags must be strings", at: place)
                    }
                    return tag
                }
                let located: URL?
                do {
                    located = try context.images.locate(written, base: file.deletingLastPathComponent(), at: place)
                } catch let error as DatasetError {
                    context.error(error.code.rawValue, error.message + "; line skipped", at: error.location)
                    continue
                }
                let header = located.flatMap { context.images.header($0) }
                dataset.images.append(
                    DatasetImage(
                        path: located ?? file.deletingLastPathComponent().appendingPathComponent(written),
                        width: header?.width ?? 0, height: header?.height ?? 0, tags: tags, source: place))
            }
        }
        dataset.tags = dataset.allTags
        return dataset
    }
}
