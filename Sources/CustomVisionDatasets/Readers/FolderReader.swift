import Foundation

/// Reads folder-per-class classification: every image below `<root>/<tag>/` is tagged `<tag>`. Images directly in
/// the root are kept untagged.
enum FolderReader {
    static func read(_ entry: URL, context: inout ReadContext) throws -> Dataset {
        var dataset = Dataset(root: context.fs.root)
        let base = entry.standardizedFileURL
        for file in try context.files(in: base)
        where DatasetFileSystem.imageExtensions.contains(file.pathExtension.lowercased()) {
            let relative = file.path.dropFirst(base.path.count).split(separator: "/")
            let tags = relative.count > 1 ? [String(relative[0])] : []
            let header = context.images.header(file)
            dataset.images.append(
                DatasetImage(
                    path: file, width: header?.width ?? 0, height: header?.height ?? 0, tags: tags,
                    source: context.fs.location(file)))
            if let tag = tags.first, !dataset.tags.contains(tag) { dataset.tags.append(tag) }
        }
        return dataset
    }
}
