/// How `ImageDecoder` decodes.
public struct DecodeOptions: Sendable, Hashable {
    /// The largest stored width × height accepted, checked from the header before any pixel memory is allocated
    /// (a guard against decompression bombs). Default 100 megapixels (above the service's 10,240-pixel sides
    /// would allow only for near-square images).
    public var maxPixels: Int
    /// Turn JPEGs and PNGs upright according to their EXIF orientation. Default true.
    public var applyOrientation: Bool
    /// The colour transparent PNG pixels are composited onto (alpha blending in sRGB values:
    /// `out = (c·a + bg·(255 − a)) / 255`). Default white.
    public var background: RGBColor
    /// When set, a JPEG is decoded at the smallest DCT scale (1/2, 1/4, 1/8) whose upright size is still at least
    /// this size, and a PNG or GIF is reduced as it is read by the largest of 2, 4, 8 that leaves it this size
    /// (each pixel the average of its block), so a large image is not decoded at full size only to be shrunk. Nil
    /// decodes at full size.
    public var minimumSize: (width: Int, height: Int)? {
        get { minimumWidth.map { ($0, minimumHeight ?? 0) } }
        set {
            minimumWidth = newValue?.width
            minimumHeight = newValue?.height
        }
    }

    private var minimumWidth: Int?
    private var minimumHeight: Int?

    /// Creates options; every parameter has the documented default.
    public init(
        maxPixels: Int = 100_000_000, applyOrientation: Bool = true, background: RGBColor = .white,
        minimumSize: (width: Int, height: Int)? = nil
    ) {
        self.maxPixels = maxPixels
        self.applyOrientation = applyOrientation
        self.background = background
        self.minimumWidth = minimumSize?.width
        self.minimumHeight = minimumSize?.height
    }
}
