import ArgumentParser
import CustomVisionCore
import CustomVisionDatasets
import Foundation
import ImagePrep

extension DatasetVerifier.ProjectType: ExpressibleByArgument {}

/// `cvctl dataset verify|convert|prepare|split|pull`: local dataset tools.
public struct DatasetCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Verify, convert, prepare and split local datasets; pull a project's images into one.",
        discussion: """
            Formats: \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ")) (read and written; \
            folders holds one tag per image and no boxes). convert, prepare, split and pull refuse an --out \
            folder that already holds files (exit 65) unless given --overwrite.

            Examples:
              cvctl dataset verify Fixtures/neu-det-mini/train
              cvctl dataset convert Fixtures/neu-det-mini/train --to coco \\
                  --out /tmp/neu-coco
              cvctl dataset prepare Fixtures/neu-det-mini/train --out /tmp/neu-256 \\
                  --size 256
              cvctl dataset split NEU-DET --test 0.2 --seed 7 --out /tmp/neu-split
              cvctl dataset pull --project 0f6c… --to yolo --out /tmp/pulled
            """,
        subcommands: [Verify.self, Convert.self, Prepare.self, Split.self, DatasetPullCommand.self])

    public init() {}

    /// `--overwrite` of every subcommand that writes a dataset into `--out`.
    static let overwriteHelp = ArgumentHelp(
        "Write into a folder that already holds files, replacing files of the same names.",
        discussion: "Without it, an --out folder that exists and is not empty is refused (exit 65).")

    /// The dataset argument and `--format`, shared by the local subcommands.
    struct Input: ParsableArguments {
        @Argument(help: "The dataset folder or annotation file.") var dataset: String
        @Option(help: "Input format (default: detected).") var format: DatasetFormat?
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check a dataset against the service's limits; exit 65 when it has errors.",
            discussion: """
                Reports unreadable, truncated, corrupt or duplicate images, boxes outside the image, tags below \
                the service's minimum images per tag, and more. Every JPEG, PNG, GIF and BMP is decoded whole, so \
                a damaged file is found before an upload.

                Examples:
                  cvctl dataset verify Fixtures/neu-det-mini/train
                  cvctl dataset verify coco.json --format coco --type detection --output json
                """)
        @OptionGroup var input: Input
        @Option(help: "classification | detection (default: detection when the dataset has boxes).")
        var type: DatasetVerifier.ProjectType?
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            let console = Console(format: output.output, quiet: output.quiet)
            let (dataset, findings) = try DatasetLoading.read(input.dataset, format: input.format,
                                                              console: Console(format: .table, quiet: true))
            let report = DatasetVerifier.verify(dataset, projectType: type ?? (dataset.hasRegions ? .detection
                : .classification), readFindings: findings, validateContent: Self.validateContent)
            switch console.format {
            case .json: try console.json(report)
            case .table: console.data(report.renderTable())
            }
            if report.hasErrors { throw CLIError.data("\(report.summary.errorCount) errors in \(input.dataset)") }
        }

        /// Decodes a JPEG or PNG whole (ImagePrep's `validate`, which reads all its entropy-coded data) so a
        /// truncated or corrupt file is an error. GIF and BMP, which the service takes but ImagePrep does not decode,
        /// and images over the decoder's pixel limit are left to their header checks.
        static let validateContent: DatasetVerifier.ContentValidator = { bytes in
            guard ImageFormat.detect(bytes)?.isDecodable == true else { return }
            do {
                _ = try ImageDecoder.validate(bytes)
            } catch let error as ImagePrepError where error.code == .tooManyPixels {}
        }
    }

    struct Convert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "convert",
            abstract: "Write a dataset in another format.",
            discussion: """
                Examples:
                  cvctl dataset convert Fixtures/neu-det-mini/train --to yolo \\
                      --out /tmp/neu-yolo
                  cvctl dataset convert instances.json --format coco --to voc --out /tmp/voc \\
                      --link-images
                """)
        @OptionGroup var input: Input
        @Option(help: "Output format: \(DatasetFormat.writable.map(\.rawValue).joined(separator: ", ")).")
        var to: DatasetFormat
        @Option(help: "Output folder.") var out: String
        @Flag(help: "Link images instead of copying them.") var linkImages = false
        @Flag(help: DatasetCommand.overwriteHelp) var overwrite = false
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            try OutputFolder.checkUnused(out, overwrite: overwrite)
            let console = Console(format: output.output, quiet: output.quiet)
            let (dataset, _) = try DatasetLoading.read(input.dataset, format: input.format, console: console)
            try DatasetCommand.write(dataset, format: to, out: out, console: console,
                                     options: .init(images: linkImages ? .link : .copy, overwrite: overwrite))
        }
    }

    struct Prepare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prepare",
            abstract: "Write prepared images (resized, upright, RGB JPEG) and their moved boxes to a folder.",
            discussion: """
                The same preparation `cvctl upload` does, written to disk for inspection or other tools.

                Examples:
                  cvctl dataset prepare Fixtures/neu-det-mini/train --out /tmp/neu-256
                  cvctl dataset prepare photos/ --format folders --to csv --size 512 \\
                      --mode fit --out /tmp/p
                """)
        @OptionGroup var input: Input
        @Option(help: "Output format (default: voc, or csv for datasets without boxes).") var to: DatasetFormat?
        @Option(help: "Output folder.") var out: String
        @Option(help: "Prepared image side in pixels.") var size = 256
        @Option(help: "stretch | fit.") var mode: PrepMode = .stretch
        @Option(help: "JPEG quality.") var quality = 90
        @Flag(help: DatasetCommand.overwriteHelp) var overwrite = false
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws {
            try UploadCommand.validatePrep(size: size, quality: quality)
        }

        func run() async throws {
            try OutputFolder.checkUnused(out, overwrite: overwrite)
            let console = Console(format: output.output, quiet: output.quiet)
            let (dataset, _) = try DatasetLoading.read(input.dataset, format: input.format, console: console)
            try OutputFolder.create(out)
            let staging = OutputFolder.staging(.prepared, in: out)
            defer { try? FileManager.default.removeItem(at: staging) }
            let resize: ResizeMode = mode == .stretch ? .stretch(width: size, height: size)
                : .fit(width: size, height: size)
            let preparer = ImagePreparer(options: PrepOptions(mode: resize, format: .jpeg(quality: quality)))
            var prepared = Dataset(root: staging, images: [], tags: dataset.tags)
            var failures = 0
            var dropped = 0
            var staged = Set<String>()  // `a.jpg` and `a.png` both become `a.jpg`: the second is `a-2.jpg`
            let progress = ProgressReporter(console: console, label: "images")
            let namer = DatasetLoading.EntryNamer(root: dataset.root)
            for (index, image) in dataset.images.enumerated() {
                let name = namer.name(of: image)
                do {
                    guard let data = RegularFile.contents(atPath: image.path.path) else {
                        throw CLIError.data("cannot read \(image.path.path) (named by \(image.source))")
                    }
                    let result = try preparer.prepare([UInt8](data), boxes: image.regions.map(\.box))
                    if !result.droppedBoxIndices.isEmpty {
                        dropped += result.droppedBoxIndices.count
                        console.info("warning: \(name): " + result.droppedBoxIndices.map { i in
                            "box \(i + 1) (\(image.regions[i].tag))"
                        }.joined(separator: ", ") + " left nothing inside the image and was dropped")
                    }
                    let stem = (name as NSString).deletingPathExtension
                    var target = staging.appendingPathComponent(stem + ".jpg")
                    var counter = 2
                    while !staged.insert(target.path.lowercased()).inserted {
                        target = staging.appendingPathComponent(stem + "-\(counter).jpg")
                        counter += 1
                    }
                    try FileManager.default.createDirectory(
                        at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try Data(result.bytes).write(to: target)
                    var copy = image
                    copy.path = target
                    copy.width = result.width
                    copy.height = result.height
                    copy.regions = zip(result.boxes, result.boxIndices).map { box, i in
                        var region = image.regions[i]
                        region.box = box
                        return region
                    }
                    prepared.images.append(copy)
                } catch {
                    failures += 1
                    console.error("\(name): \(PrepAdvice.advising(error))")
                }
                progress.update(done: index + 1, total: dataset.images.count)
            }
            progress.finish()
            if dropped > 0 { console.info("warning: \(dropped) boxes outside their images were dropped") }
            try DatasetCommand.write(prepared, format: to ?? (dataset.hasRegions ? .voc : .csv), out: out,
                                     console: console, options: .init(images: .copy, overwrite: overwrite))
            if failures > 0 { throw CLIError.partial("\(failures) images could not be prepared") }
        }
    }

    struct Split: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "split",
            abstract: "Split a dataset into OUT/train and OUT/test, stratified by tag, reproducibly; copies of one "
                + "image stay on one side.",
            discussion: "Example:\n  cvctl dataset split NEU-DET --test 0.2 --seed 7 --out /tmp/neu-split --to voc")
        @OptionGroup var input: Input
        @Option(help: "Share of each tag's images in the test set.") var test = 0.2
        @Option(help: "Random seed.") var seed: UInt64 = 0
        @Option(help: "Output format (default: voc, or csv for datasets without boxes).") var to: DatasetFormat?
        @Option(help: "Output folder.") var out: String
        @Flag(help: DatasetCommand.overwriteHelp) var overwrite = false
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws {
            if !(0...1).contains(test) { throw ValidationError("--test must be between 0 and 1") }
        }

        func run() async throws {
            try OutputFolder.checkUnused(out, overwrite: overwrite)
            let console = Console(format: output.output, quiet: output.quiet)
            let (dataset, _) = try DatasetLoading.read(input.dataset, format: input.format, console: console)
            // Copies of one image under two names stay on one side, as entries naming one file do.
            let (train, testSet) = DatasetSplitter.split(dataset, testFraction: test, seed: seed) { image in
                RegularFile.contents(atPath: image.path.path).map(SHA256.hex) ?? image.path.standardizedPath
            }
            let format = to ?? (dataset.hasRegions ? .voc : .csv)
            let base = URL(fileURLWithPath: out)
            let options = DatasetWriter.Options(images: .copy, overwrite: overwrite)
            // One document for both halves: `--output json` prints exactly one JSON document.
            func half(_ part: Dataset, _ name: String) throws -> WriteSummary {
                try DatasetCommand.writeFiles(part, format: format, out: base.appendingPathComponent(name).path,
                                              console: console, options: options)
            }
            let written = SplitSummary(train: try half(train, "train"), test: try half(testSet, "test"))
            try console.emit(written) { DatasetCommand.table([$0.train, $0.test]) }
        }
    }

    /// What `dataset split` prints: the summary of each half.
    struct SplitSummary: Codable {
        var train: WriteSummary
        var test: WriteSummary
    }

    /// Writes `dataset` and prints a one-line summary (or a JSON document).
    static func write(_ dataset: Dataset, format: DatasetFormat, out: String, console: Console,
                      options: DatasetWriter.Options) throws {
        let summary = try writeFiles(dataset, format: format, out: out, console: console, options: options)
        try console.emit(summary) { table([$0]) }
    }

    /// Writes `dataset` (its writer's findings on stderr) and returns what was written, printing no data.
    static func writeFiles(_ dataset: Dataset, format: DatasetFormat, out: String, console: Console,
                           options: DatasetWriter.Options) throws -> WriteSummary {
        let findings: [Finding]
        do {
            findings = try DatasetWriter.write(dataset, format: format, to: URL(fileURLWithPath: out), options: options)
        } catch let error as DatasetError {
            throw CLIError.data("cannot write \(out): \(error.description)")
        }
        for finding in findings { console.info("\(finding)") }
        // What the files hold (the writer warned of what it dropped): the manifest has no boxes; folder-per-class
        // has no boxes and only images with whole-image tags, under those tags.
        if format == .folders {
            let tagged = dataset.images.filter { !$0.tags.isEmpty }
            return WriteSummary(folder: out, format: format.rawValue, images: tagged.count, regions: 0,
                                tags: Set(tagged.flatMap(\.tags)).count)
        }
        return WriteSummary(folder: out, format: format.rawValue, images: dataset.images.count,
                            regions: format == .manifest ? 0 : dataset.regionCount, tags: dataset.allTags.count)
    }

    /// The table of written datasets: one row each.
    static func table(_ summaries: [WriteSummary]) -> TextTable {
        TextTable(headers: ["FOLDER", "FORMAT", "IMAGES", "REGIONS", "TAGS"],
                  rows: summaries.map { [$0.folder, $0.format, "\($0.images)", "\($0.regions)", "\($0.tags)"] })
    }

    struct WriteSummary: Codable {
        var folder: String
        var format: String
        var images: Int
        var regions: Int
        var tags: Int
    }
}
