import Foundation

/// The result of `DatasetVerifier.verify`: findings and a summary, Codable for `--output json`.
public struct VerificationReport: Sendable, Hashable, Codable {
    /// Images and boxes per tag.
    public struct TagSummary: Sendable, Hashable, Codable {
        /// The tag.
        public var tag: String
        /// Images carrying the tag (as a whole-image tag or on a region).
        public var images: Int
        /// Regions of the tag.
        public var regions: Int
    }

    /// The spread of one box measure (normalized to the image).
    public struct Spread: Sendable, Hashable, Codable {
        /// The smallest value.
        public var min: Double
        /// The median value.
        public var median: Double
        /// The largest value.
        public var max: Double

        init?(_ values: [Double]) {
            let sorted = values.sorted()
            guard let first = sorted.first, let last = sorted.last else { return nil }
            min = first
            median =
                sorted.count % 2 == 1
                ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            max = last
        }
    }

    /// Counts over the whole dataset.
    public struct Summary: Sendable, Hashable, Codable {
        /// The project type checked against.
        public var projectType: DatasetVerifier.ProjectType
        /// Images read.
        public var imageCount: Int
        /// Regions (boxes) read.
        public var regionCount: Int
        /// Images without any tag or region.
        public var unlabeledImageCount: Int
        /// Error findings.
        public var errorCount: Int
        /// Warning findings.
        public var warningCount: Int
        /// Per tag, in the dataset's tag order.
        public var tags: [TagSummary]
        /// Box widths as fractions of the image's width; nil without regions.
        public var boxWidth: Spread?
        /// Box heights as fractions of the image's height; nil without regions.
        public var boxHeight: Spread?
        /// Box areas as fractions of the image's area; nil without regions.
        public var boxArea: Spread?
    }

    /// Every finding: the readers' first, then the verifier's, in dataset order.
    public var findings: [Finding]
    /// The summary.
    public var summary: Summary

    /// True when any finding is an error: the dataset should not be uploaded as is (exit status non-zero).
    public var hasErrors: Bool { summary.errorCount > 0 }
}
