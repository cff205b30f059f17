import CustomVisionCore

/// What `ImagePreparer` produces and what it accepts.
public struct PrepOptions: Sendable, Hashable {
    /// The encoded output format.
    public enum OutputFormat: Sendable, Hashable {
        /// Baseline JPEG, 4:2:0, quality 1–100.
        case jpeg(quality: Int)
        /// 8-bit RGB PNG.
        case png
    }

    /// Size and mode; default `stretch` to 256×256.
    public var mode: ResizeMode
    /// Output format; default JPEG quality 90.
    public var format: OutputFormat
    /// Colour behind transparent pixels and around `fit` images; default white.
    public var background: RGBColor
    /// Turn JPEGs and PNGs upright by their EXIF orientation (and move boxes with them); default true.
    public var applyOrientation: Bool
    /// Input limits and output size limit; default `.training`.
    public var limits: PrepLimits

    /// Creates options; every parameter has the documented default.
    public init(
        mode: ResizeMode = .stretch(width: 256, height: 256), format: OutputFormat = .jpeg(quality: 90),
        background: RGBColor = .white, applyOrientation: Bool = true, limits: PrepLimits = .training
    ) {
        self.mode = mode
        self.format = format
        self.background = background
        self.applyOrientation = applyOrientation
        self.limits = limits
    }
}

/// The checks `ImagePreparer` applies.
public struct PrepLimits: Sendable, Hashable {
    /// The largest stored width × height accepted, checked from the header before decoding.
    public var maxPixels: Int
    /// The smallest accepted side of the input (upright), in pixels.
    public var minSide: Int
    /// The largest accepted encoded output, in bytes.
    public var maxOutputBytes: Int

    /// Creates limits.
    public init(maxPixels: Int = 100_000_000, minSide: Int = ServiceLimits.minImageSide, maxOutputBytes: Int) {
        self.maxPixels = maxPixels
        self.minSide = minSide
        self.maxOutputBytes = maxOutputBytes
    }

    /// For training uploads: output at most 6 MB, sides at least 50 px.
    public static let training = PrepLimits(maxOutputBytes: ServiceLimits.maxTrainingImageBytes)
    /// For prediction requests: output at most 4 MB, sides at least 50 px.
    public static let prediction = PrepLimits(maxOutputBytes: ServiceLimits.maxPredictionImageBytes)
}
