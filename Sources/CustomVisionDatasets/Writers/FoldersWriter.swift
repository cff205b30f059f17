import Foundation

/// Writes folder-per-class classification: each image in the folder of its tag, `<tag>/<name>`, as the folders
/// reader, Create ML and most image-classification tools read it.
///
/// The layout holds one tag per image and no boxes: an image with several tags is copied into each of their
/// folders, an image without tags is left out, and boxes are dropped, each with a warning. A tag that cannot be a
/// folder name (one with `/`, one that is `.` or `..`, or one starting with `.`, which readers skip as hidden) is
/// an error finding and its images go only to their other tags' folders.
enum FoldersWriter {
    static func write(_ dataset: Dataset, into output: inout OutputFolder) throws {
        guard output.options.images != .none else {
            throw DatasetError(
                .unknownFormat, "folder-per-class keeps its labels in where the images lie: copy or link them",
                at: DatasetLocation(file: output.folder.path))
        }
        var refused = Set<String>()
        for (index, image) in dataset.images.enumerated() {
            if !image.regions.isEmpty { output.warnDropped("boxes", image, format: "folder-per-class") }
            var folders: [String] = []
            for tag in image.tags {
                if isFolderName(tag) {
                    folders.append(tag)
                } else if refused.insert(tag).inserted {
                    output.findings.append(Finding(
                        .error, "notRepresentable",
                        "tag '\(tag)' cannot be a folder name (it has a '/', is '.' or '..', or starts with '.'); "
                            + "its images are written without it", at: image.source))
                }
            }
            if folders.isEmpty {
                output.findings.append(Finding(
                    .warning, "notRepresentable", "folder-per-class cannot hold an image without tags; left out",
                    at: image.source))
            } else if folders.count > 1 {
                output.findings.append(Finding(
                    .warning, "notRepresentable",
                    "folder-per-class holds one tag per image: copied into \(folders.count) folders "
                        + "(\(folders.joined(separator: ", ")))", at: image.source))
            }
            for folder in folders { try output.exportImage(image, index: index, subfolder: folder) }
        }
    }

    /// Whether `tag` can name a folder directly below the output folder, and be read back as the same tag.
    static func isFolderName(_ tag: String) -> Bool {
        !tag.isEmpty && !tag.contains("/") && !tag.hasPrefix(".") && !tag.contains("\0")
    }
}
