import CustomVisionCore
import Foundation

/// Checks a dataset against what the Custom Vision service accepts, before an upload.
///
/// Errors: missing, unreadable or refused images (format, over 6 MB, sides < 50 or > 10,240 px), boxes with no
/// area or wholly outside the image, more tags or regions per image than an upload accepts, negative and regular
/// tags on one image, tags below the training minimum (15 images per tag for detection, 5 for classification),
/// and — when a ``ContentValidator`` is given — truncated or corrupt image data.
/// Warnings: duplicate images by content (SHA-256), boxes that will be clamped, unlabeled images, classification
/// tags under the recommended 50 images.
public enum DatasetVerifier {
    /// The kind of project the dataset is meant for.
    public enum ProjectType: String, Sendable, Hashable, Codable, CaseIterable {
        case classification
        case detection
    }

    /// What to check.
    public struct Options: Sendable, Hashable {
        /// Open each image: existence, size, header (format and dimensions).
        public var checkFiles: Bool
        /// Compare image contents to find duplicates.
        public var checkDuplicates: Bool
        /// Images per tag below which classification gets a warning (the service's guidance).
        public var recommendedImagesPerTag: Int
        /// The dataset adds to a project that may already hold images (an upload): a tag with fewer images than
        /// training needs is then a warning, not an error, since the project's other images may make up the rest.
        public var addsToProject: Bool

        /// Creates options; by default everything is checked, and the dataset is all a project will train on.
        public init(
            checkFiles: Bool = true, checkDuplicates: Bool = true, recommendedImagesPerTag: Int = 50,
            addsToProject: Bool = false
        ) {
            self.checkFiles = checkFiles
            self.checkDuplicates = checkDuplicates
            self.recommendedImagesPerTag = recommendedImagesPerTag
            self.addsToProject = addsToProject
        }
    }

    /// Reads a whole image file (its bytes) and throws when the data does not decode: truncated, corrupt.
    ///
    /// This module reads headers only; a caller that links a decoder passes one in (`cvctl dataset verify` passes
    /// ImagePrep's `ImageDecoder.validate`). It is called for images whose header is readable and whose format the
    /// service accepts; the thrown error's description becomes the finding's reason.
    public typealias ContentValidator = @Sendable (_ bytes: [UInt8]) throws -> Void

    /// The tag name the service treats as the negative tag.
    public static let negativeTagName = "Negative"

    /// Verifies `dataset`.
    /// - Parameters:
    ///   - dataset: the dataset, usually from `DatasetReader.read`.
    ///   - projectType: classification or detection.
    ///   - readFindings: the reader's findings, included first in the report.
    ///   - options: which checks to run.
    ///   - validateContent: reads each image's whole data (with `options.checkFiles`); nil checks headers only.
    /// - Returns: the findings and a summary.
    public static func verify(
        _ dataset: Dataset, projectType: ProjectType, readFindings: [Finding] = [], options: Options = Options(),
        validateContent: ContentValidator? = nil
    ) -> VerificationReport {
        var findings = readFindings
        if dataset.images.isEmpty {
            findings.append(
                Finding(
                    .error, "emptyDataset", "the dataset has no images",
                    at: DatasetLocation(file: dataset.root.path)))
        }
        var unlabeled = 0
        let known = Set(dataset.tags)
        for image in dataset.images {
            for tag in image.allTags where !known.isEmpty && !known.contains(tag) {
                findings.append(
                    Finding(
                        .error, "unknownCategory",
                        "image '\(image.path.lastPathComponent)' uses tag '\(tag)', "
                            + "which is not among the dataset's tags", at: image.source))
            }
            if options.checkFiles { checkFile(image, validateContent: validateContent, into: &findings) }
            checkLabels(image, projectType: projectType, unlabeled: &unlabeled, into: &findings)
        }
        if options.checkFiles, options.checkDuplicates { findDuplicates(dataset, into: &findings) }
        checkTagCounts(dataset, projectType: projectType, options: options, into: &findings)

        let regions = dataset.images.flatMap(\.regions).map(\.box).filter { !$0.isDegenerate }
        let imagesByTag = dataset.imageCountsByTag
        let regionsByTag = dataset.regionCountsByTag
        let summary = VerificationReport.Summary(
            projectType: projectType, imageCount: dataset.images.count, regionCount: dataset.regionCount,
            unlabeledImageCount: unlabeled,
            errorCount: findings.count { $0.severity == .error },
            warningCount: findings.count { $0.severity == .warning },
            tags: dataset.allTags.map {
                VerificationReport.TagSummary(tag: $0, images: imagesByTag[$0] ?? 0, regions: regionsByTag[$0] ?? 0)
            },
            boxWidth: .init(regions.map(\.width)), boxHeight: .init(regions.map(\.height)),
            boxArea: .init(regions.map(\.area)))
        return VerificationReport(findings: findings, summary: summary)
    }

    private static func checkFile(
        _ image: DatasetImage, validateContent: ContentValidator?, into findings: inout [Finding]
    ) {
        let place = image.source
        let path = image.path.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            findings.append(Finding(.error, "missingImage", "image '\(path)' does not exist", at: place))
            return
        }
        guard FileDescriptorReading.isRegularFile(path) else {
            findings.append(Finding(.error, "unreadableImage", "image '\(path)' is not a regular file", at: place))
            return
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > ServiceLimits.maxTrainingImageBytes {
            findings.append(
                Finding(
                    .error, "imageTooLarge",
                    "image '\(image.path.lastPathComponent)' is \(size) "
                        + "bytes, over the service's \(ServiceLimits.maxTrainingImageBytes)", at: place))
        }
        guard let header = ImageFileHeader.read(contentsOf: image.path) else {
            findings.append(
                Finding(
                    .error, "unreadableImage",
                    "image '\(image.path.lastPathComponent)' is not a readable JPEG, PNG, GIF or BMP",
                    at: place))
            return
        }
        guard header.format.isAcceptedByService else {
            findings.append(
                Finding(
                    .error, "unsupportedImageFormat",
                    "image '\(image.path.lastPathComponent)' is "
                        + "\(header.format.rawValue.uppercased()); the service accepts JPEG, PNG, GIF and BMP",
                    at: place))
            return
        }
        let sides = [header.width, header.height]
        if sides.contains(where: { $0 < ServiceLimits.minImageSide || $0 > ServiceLimits.maxImageSide }) {
            findings.append(
                Finding(
                    .error, "imageDimensions",
                    "image '\(image.path.lastPathComponent)' is "
                        + "\(header.width)×\(header.height); sides must be \(ServiceLimits.minImageSide)…"
                        + "\(ServiceLimits.maxImageSide) px", at: place))
        }
        guard let validateContent else { return }
        let problem: String
        if let bytes = FileDescriptorReading.contentsOfRegularFile(path) {
            do {
                try validateContent(bytes)
                return
            } catch {
                problem = "\(error)"
            }
        } else {
            problem = "it cannot be read"
        }
        findings.append(
            Finding(
                .error, "corruptImage", "image '\(image.path.lastPathComponent)' is damaged: \(problem)", at: place))
    }

    private static func checkLabels(
        _ image: DatasetImage, projectType: ProjectType, unlabeled: inout Int, into findings: inout [Finding]
    ) {
        let place = image.source
        let name = image.path.lastPathComponent
        let tags = image.allTags
        if tags.isEmpty {
            unlabeled += 1
            findings.append(
                Finding(
                    .warning, "noLabels",
                    "image '\(name)' has no \(projectType == .detection ? "regions" : "tags"); "
                        + "the service will not train on it", at: place))
        }
        if tags.count > ServiceLimits.tagsPerBatch {
            findings.append(
                Finding(
                    .error, "tooManyTags",
                    "image '\(name)' has \(tags.count) tags; an upload takes "
                        + "at most \(ServiceLimits.tagsPerBatch)", at: place))
        }
        if image.regions.count > ServiceLimits.regionsPerBatch {
            findings.append(
                Finding(
                    .error, "tooManyRegions",
                    "image '\(name)' has \(image.regions.count) regions; "
                        + "an upload takes at most \(ServiceLimits.regionsPerBatch)", at: place))
        }
        if tags.count > 1, tags.contains(where: { $0.caseInsensitiveCompare(negativeTagName) == .orderedSame }) {
            findings.append(
                Finding(
                    .error, "negativeAndRegularTags",
                    "image '\(name)' has the Negative tag and other tags", at: place))
        }
        for (index, region) in image.regions.enumerated() {
            let box = region.box
            let what = "region \(index + 1) ('\(region.tag)') of '\(name)'"
            guard [box.left, box.top, box.width, box.height].allSatisfy(\.isFinite), !box.isDegenerate else {
                findings.append(Finding(.error, "invalidBox", "\(what) has zero or negative size", at: place))
                continue
            }
            if !box.isInsideImage(tolerance: 1e-6) {
                if box.clamped().isDegenerate {
                    findings.append(Finding(.error, "boxOutsideImage", "\(what) lies outside the image", at: place))
                } else {
                    findings.append(
                        Finding(
                            .warning, "boxClamped",
                            "\(what) extends past the image edge and will be clamped", at: place))
                }
            }
        }
    }

    private static func findDuplicates(_ dataset: Dataset, into findings: inout [Finding]) {
        var bySize: [Int: [Int]] = [:]
        var firstByPath: [String: Int] = [:]
        for (index, image) in dataset.images.enumerated() {
            let path = image.path.standardizedPath
            if let first = firstByPath[path] {
                findings.append(
                    Finding(
                        .warning, "duplicateEntry",
                        "image '\(image.path.lastPathComponent)' is "
                            + "listed again (first at \(dataset.images[first].source))", at: image.source))
                continue
            }
            firstByPath[path] = index
            guard let size = try? FileManager.default.attributesOfItem(atPath: image.path.path)[.size] as? Int else {
                continue
            }
            bySize[size, default: []].append(index)
        }
        var groups: [(digest: String, indices: [Int])] = []
        for (_, indices) in bySize where indices.count > 1 {
            // Grouped by digest: only one file of the size is held at a time.
            var byContent: [String: [Int]] = [:]
            for index in indices {
                guard let bytes = FileDescriptorReading.contentsOfRegularFile(dataset.images[index].path.path) else {
                    continue
                }
                byContent[SHA256.hex(bytes), default: []].append(index)
            }
            groups += byContent.filter { $0.value.count > 1 }.map { (digest: $0.key, indices: $0.value) }
        }
        for (hash, group) in groups.sorted(by: { $0.indices[0] < $1.indices[0] }) {
            let images = group.map { dataset.images[$0] }
            let names = images.map(\.path.lastPathComponent).joined(separator: ", ")
            let labels = Set(images.map { LabelKey($0) })
            let detail =
                labels.count > 1
                ? "with differing labels; the service keeps only the first upload's labels"
                : "with the same labels; the service stores one copy"
            findings.append(
                Finding(
                    .warning, "duplicateImage",
                    "identical images \(names) (SHA-256 \(hash.prefix(16))…) "
                        + detail, at: images[1].source))
        }
    }

    /// The labels of an image, order-insensitive, boxes rounded to 1e-6.
    private struct LabelKey: Hashable {
        var tags: Set<String>
        var regions: [String]

        init(_ image: DatasetImage) {
            tags = Set(image.tags)
            regions = image.regions.map {
                $0.tag + String(format: " %.6f %.6f %.6f %.6f", $0.box.left, $0.box.top, $0.box.width, $0.box.height)
            }.sorted()
        }
    }

    private static func checkTagCounts(
        _ dataset: Dataset, projectType: ProjectType, options: Options, into findings: inout [Finding]
    ) {
        let minimum =
            projectType == .detection
            ? ServiceLimits.minImagesPerTagDetection : ServiceLimits.minImagesPerTagClassification
        let counts = dataset.imageCountsByTag
        for tag in dataset.allTags where tag.caseInsensitiveCompare(negativeTagName) != .orderedSame {
            let count = counts[tag] ?? 0
            let place =
                dataset.images.first { $0.uses(tag) }?.source
                ?? DatasetLocation(file: dataset.root.path)
            if count < minimum {
                findings.append(
                    Finding(
                        options.addsToProject ? .warning : .error, "tooFewImagesForTag",
                        "tag '\(tag)' has \(count) images; "
                            + "\(projectType.rawValue) training needs at least \(minimum)", at: place))
            } else if projectType == .classification, count < options.recommendedImagesPerTag {
                findings.append(
                    Finding(
                        .warning, "fewImagesForTag",
                        "tag '\(tag)' has \(count) images; "
                            + "\(options.recommendedImagesPerTag)+ are recommended", at: place))
            }
        }
    }
}
