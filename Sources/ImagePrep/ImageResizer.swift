/// Resizes RGB images. Shrinking is antialiased (a triangle filter whose support widens with the reduction, as
/// Pillow's `resize(…, BILINEAR)`), never nearest-neighbour or point-sampled bilinear; enlarging is bilinear.
public enum ImageResizer {
    /// Resizes to exactly `width` × `height` (aspect ratio not kept).
    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0, "ImageResizer: target size must be positive")
        guard image.width > 0, image.height > 0 else { return RGBImage(width: width, height: height) }
        return Resampler.resize(image, width: width, height: height)
    }

    /// Resizes according to `mode`; `fit` pads with `padding`.
    public static func resize(_ image: RGBImage, mode: ResizeMode, padding: RGBColor = .white) -> RGBImage {
        resize(PixelPlanes(image), mode: mode, padding: padding).rgb
    }

    /// Resizes 1- or 3-channel pixels; a padded (`fit`) result is always RGB.
    static func resize(_ image: PixelPlanes, mode: ResizeMode, padding: RGBColor) -> PixelPlanes {
        precondition(mode.isValid, "ImageResizer: target size must be positive")
        let layout = mode.layout(sourceWidth: image.width, sourceHeight: image.height)
        let resized = Resampler.resize(image, width: layout.contentWidth, height: layout.contentHeight)
        if layout.contentWidth == layout.canvasWidth && layout.contentHeight == layout.canvasHeight { return resized }
        let content = resized.rgb
        var canvas = RGBImage(width: layout.canvasWidth, height: layout.canvasHeight,
            fill: (padding.red, padding.green, padding.blue))
        let rowBytes = layout.contentWidth * 3
        canvas.pixels.withUnsafeMutableBytes { dst in
            content.pixels.withUnsafeBytes { src in
                for y in 0..<layout.contentHeight {
                    let d = ((layout.contentY + y) * layout.canvasWidth + layout.contentX) * 3
                    UnsafeMutableRawBufferPointer(rebasing: dst[d..<d + rowBytes])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: src[y * rowBytes..<(y + 1) * rowBytes]))
                }
            }
        }
        return PixelPlanes(canvas)
    }
}
