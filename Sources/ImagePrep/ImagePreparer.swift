import CustomVisionCore

/// Decodes, turns upright, resizes and re-encodes an image and moves its boxes along: the preparation the
/// service's walkthroughs do by hand before uploading (e.g. NEU-DET to 256×256 RGB JPEG).
///
/// JPEG in and JPEG out, the common case, goes through Y, Cb, Cr planes (no colour conversion; chroma resized at
/// its 4:2:0 size; large photos decoded at 1/8 scale from DC coefficients alone); everything else through RGB
/// pixels. Both give the same sizes, boxes and errors. TurboJPEG handles and scratch buffers are pooled per
/// concurrent call (`PrepWorkspace`), so a worker preparing image after image allocates almost nothing.
///
/// A value type holding only options: safe to share and call from many threads at once.
public struct ImagePreparer: Sendable {
    /// The options every call uses.
    public var options: PrepOptions

    /// Creates a preparer.
    public init(options: PrepOptions = PrepOptions()) {
        self.options = options
    }

    /// Prepares an image with normalized boxes.
    /// - Parameters:
    ///   - bytes: a whole JPEG or PNG file.
    ///   - name: the file's name, used only in error messages.
    ///   - boxes: boxes normalized to the stored image (as its pixels are laid out in the file); they follow the
    ///     EXIF orientation when `options.applyOrientation`.
    /// - Returns: the encoded image and the boxes normalized to it.
    /// - Throws: `ImagePrepError` naming `name`: `.empty`, `.truncated`, `.corrupt`, `.unsupportedFormat(_:)`,
    ///   `.tooManyPixels`, `.tooSmall`, `.tooLarge`, `.encodingFailed`, `.invalidOptions`.
    public func prepare(_ bytes: [UInt8], name: String? = nil, boxes: [BoundingBox] = []) throws -> PreparedImage {
        do {
            return try run(bytes) { _ in boxes }
        } catch let error as ImagePrepError {
            throw error.naming(name)
        }
    }

    /// Prepares an image with boxes in pixels of the stored image.
    public func prepare(_ bytes: [UInt8], name: String? = nil, pixelBoxes: [PixelRect]) throws -> PreparedImage {
        do {
            return try run(bytes) { header in
                pixelBoxes.map { BoundingBox(pixels: $0, imageWidth: header.width, imageHeight: header.height) }
            }
        } catch let error as ImagePrepError {
            throw error.naming(name)
        }
    }

    private func run(_ bytes: [UInt8], boxes: (ImageHeader) -> [BoundingBox]) throws -> PreparedImage {
        try run(bytes, allowPlanar: true, boxes: boxes).image
    }

    /// Prepares through the planar path when it applies and `allowPlanar`, else through RGB pixels, and says which.
    func run(
        _ bytes: [UInt8], allowPlanar: Bool, boxes: (ImageHeader) -> [BoundingBox]
    ) throws -> (image: PreparedImage, path: Path) {
        guard options.mode.isValid else { throw ImagePrepError(.invalidOptions, "the target size must be positive") }
        if allowPlanar, case .jpeg(let quality) = options.format, ImageFormat.detect(bytes) == .jpeg {
            let planar = try PrepWorkspace.with { workspace in
                try bytes.withUnsafeBufferPointer { try preparePlanar($0, quality: quality, workspace: workspace) }
            }
            if let planar {
                let image = try finish(planar.encoded, format: .jpeg, layout: planar.layout, header: planar.header,
                    boxes: boxes)
                return (image, .planar)
            }
        }
        let decodeOptions = DecodeOptions(maxPixels: options.limits.maxPixels,
            applyOrientation: options.applyOrientation, background: options.background)
        let (image, header) = try ImageDecoder.decodeWithHeader(bytes, options: decodeOptions) { header in
            let (w, h) = options.applyOrientation ? header.orientedSize : (header.width, header.height)
            try checkMinimumSide(w, h)
            let layout = options.mode.layout(sourceWidth: w, sourceHeight: h)
            return (layout.contentWidth, layout.contentHeight)
        }
        let layout = options.mode.layout(sourceWidth: image.width, sourceHeight: image.height)
        let resized = ImageResizer.resize(image, mode: options.mode, padding: options.background).rgb
        let encoded: [UInt8]
        let format: ImageFormat
        switch options.format {
        case .jpeg(let quality): (encoded, format) = (try ImageEncoder.jpeg(resized, quality: quality), .jpeg)
        case .png: (encoded, format) = (try ImageEncoder.png(resized), .png)
        }
        return (try finish(encoded, format: format, layout: layout, header: header, boxes: boxes), .rgb)
    }

    /// Refuses an image whose upright size has a side under `options.limits.minSide` (both paths, from the header).
    func checkMinimumSide(_ width: Int, _ height: Int) throws {
        guard min(width, height) >= options.limits.minSide else {
            throw ImagePrepError(.tooSmall,
                "\(width)×\(height) has a side under \(options.limits.minSide) pixels")
        }
    }

    /// Checks the output size and moves the boxes onto the output.
    private func finish(
        _ encoded: [UInt8], format: ImageFormat, layout: ResizeLayout, header: ImageHeader,
        boxes: (ImageHeader) -> [BoundingBox]
    ) throws -> PreparedImage {
        guard encoded.count <= options.limits.maxOutputBytes else {
            throw ImagePrepError(.tooLarge,
                "the prepared image is \(encoded.count) bytes, over the limit of \(options.limits.maxOutputBytes)")
        }
        var kept: [BoundingBox] = [], indices: [Int] = [], dropped: [Int] = []
        for (i, box) in boxes(header).enumerated() {
            let finite = [box.left, box.top, box.width, box.height].allSatisfy(\.isFinite)
            let upright = (options.applyOrientation ? header.orientation.transform(box) : box).clamped()
            if !finite || upright.isDegenerate {
                dropped.append(i)
            } else {
                kept.append(layout.transform(upright))
                indices.append(i)
            }
        }
        return PreparedImage(bytes: encoded, format: format, width: layout.canvasWidth, height: layout.canvasHeight,
            boxes: kept, boxIndices: indices, droppedBoxIndices: dropped, source: header)
    }
}
