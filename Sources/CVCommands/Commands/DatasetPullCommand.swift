import ArgumentParser
import CustomVisionCore
import CustomVisionDatasets
import CustomVisionHTTP
import Foundation
import ImagePrep

/// `cvctl dataset pull --project ID --to FORMAT --out DIR`: a project's images and labels as a local dataset.
struct DatasetPullCommand: CVCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Download a project's tagged images with their tags and regions into a local dataset.",
        discussion: """
            --tagging all also downloads the untagged images (images without boxes in a detection project), so \
            pulling and uploading again keeps every image.

            Examples:
              cvctl dataset pull --project 0f6c… --out /tmp/pulled
              cvctl dataset pull --project 0f6c… --tagging all --out /tmp/everything
              cvctl dataset pull --project 0f6c… --to coco --out /tmp/pulled-coco \\
                  --iteration 7a8b…
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The project id.") var project: UUID
    @Option(help: "Images as of this iteration (default: the workspace).") var iteration: UUID?
    @Option(help: "tagged | all | untagged.") var tagging: TaggingFilter = .tagged
    @Option(help: "Output format: \(DatasetFormat.writable.map(\.rawValue).joined(separator: ", ")).")
    var to: DatasetFormat = .voc
    @Option(help: "Output folder.") var out: String
    @Flag(help: DatasetCommand.overwriteHelp) var overwrite = false
    @Option(help: "Downloads in flight.") var concurrency = 4

    func validate() throws {
        try ImageCommand.validateConcurrency(concurrency)
    }

    func run(_ context: CommandContext) async throws {
        try OutputFolder.checkUnused(out, overwrite: overwrite)
        let client = try context.training()
        // Listed first: a wrong project or key leaves no --out folder behind.
        let images = try await client.images(projectId: project, iterationId: iteration,
                                             taggingStatus: tagging.status).collect()
        let staging = OutputFolder.staging(.pull, in: out)
        try OutputFolder.create(out)
        try OutputFolder.create(staging.path)
        defer { try? FileManager.default.removeItem(at: staging) }
        let downloads = try await ImageCommand.fetchAll(
            images, into: staging, projectId: project, client: client, concurrency: concurrency,
            progress: ProgressReporter(console: context.console, label: "images"))
        var dataset = Dataset(root: staging)
        for download in downloads {
            guard case .success(let file) = download.file else { continue }
            dataset.images.append(Self.datasetImage(download.image, file: file, project: project))
        }
        dataset.tags = dataset.allTags
        try DatasetCommand.write(dataset, format: to, out: out, console: context.console,
                                 options: .init(images: .copy, overwrite: overwrite))
        try ImageCommand.checkDownloaded(downloads, console: context.console)
    }

    /// The dataset entry of a downloaded image. The service's boxes and size are of the upright image; a
    /// dataset's are of the stored pixels, so they are turned back by the file's EXIF orientation.
    static func datasetImage(_ image: Image, file: URL, project: UUID) -> DatasetImage {
        let header = RegularFile.contents(atPath: file.path).flatMap { try? ImagePrep.ImageHeader.read([UInt8]($0)) }
        let orientation = header?.orientation ?? .up
        let regions = (image.regions ?? []).map {
            let box = BoundingBox(left: $0.left, top: $0.top, width: $0.width, height: $0.height)
            return DatasetRegion(tag: $0.tagName ?? $0.tagId.lowercasedText, box: orientation.inverse.transform(box))
        }
        let tags = regions.isEmpty ? (image.tags ?? []).compactMap(\.tagName) : []
        return DatasetImage(
            path: file, width: header?.width ?? image.width ?? 0, height: header?.height ?? image.height ?? 0,
            tags: tags, regions: regions, source: DatasetLocation(file: "project \(project.lowercasedText)"))
    }
}
