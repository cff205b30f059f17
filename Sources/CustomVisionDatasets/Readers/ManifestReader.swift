import Foundation

/// Reads a multilabel manifest: JSON Lines, one object per image, `{"file": "a.jpg", "tags": ["x", "y"]}` (`image`
/// is accepted for `file`). A folder's top-level `*.jsonl` files are merged. A line that is not such an object is
/// an error finding naming its file and line, and is skipped.
enum ManifestReader {
    static func read(_ entry: URL, context: inout ReadContext) throws -> Dataset {
        let files =
            DatasetReader.isDirectory(entry)
            ? try context.files(in: entry, recursive: false).filter { $0.pathExtension.lowercased() == "jsonl" }
            : [entry]
        guard !files.isEmpty else {
            throw DatasetError(.unknownFormat, "no manifest (*.jsonl) found", at: context.fs.location(entry))
        }
        var dataset = Dataset(root: context.fs.root)
        for file in files {
            let name = context.fs.displayName(file)
            let lines = try context.fs.readText(file).textLines()
            for (offset, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                do {
                    dataset.images.append(
                        try readLine(line, at: DatasetLocation(file: name, line: offset + 1), in: file,
                                     context: &context))
                } catch let error as DatasetError {
                    context.skip(error, "line")
                }
            }
        }
        dataset.tags = dataset.allTags
        return dataset
    }

    /// The image of one line of `file`.
    /// - Throws: `DatasetError` for a line that is not a JSON object with a `file` string and string `tags`, or
    ///   whose path leaves the root: the caller skips the line.
    private static func readLine(
        _ line: Substring, at place: DatasetLocation, in file: URL, context: inout ReadContext
    ) throws -> DatasetImage {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        } catch {
            throw DatasetError(.malformed, "manifest line is not a JSON object", at: place)
        }
        let cursor = JSONCursor(value: object, file: place.file, path: "$", line: place.line)
        guard object is [String: Any],
            let written = try cursor.optionalString("file") ?? cursor.optionalString("image")
        else {
            throw DatasetError(.missingField, "manifest line needs a \"file\" string", at: place)
        }
        let tags = try cursor.array("tags", required: false).map { item -> String in
            guard let tag = item.value as? String else {
                throw DatasetError(.invalidValue, "tags must be strings", at: item.location)
            }
            return tag
        }
        let base = file.deletingLastPathComponent()
        let located = try context.images.locate(written, base: base, at: place)
        let header = located.flatMap { context.images.header($0) }
        return DatasetImage(
            path: located ?? base.appendingPathComponent(written), width: header?.width ?? 0,
            height: header?.height ?? 0, tags: tags, source: place)
    }
}
