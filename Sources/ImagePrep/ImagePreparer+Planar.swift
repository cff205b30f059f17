import CTurboJPEG

/// The planar JPEG → JPEG path of `ImagePreparer`: decode to Y, Cb, Cr planes at a DCT scale, resize each plane
/// (chroma straight to the 4:2:0 size, a quarter of the pixels), encode from the planes. It skips the YCbCr → RGB
/// conversion and chroma upsampling of the decoder and the RGB → YCbCr conversion and chroma downsampling of the
/// encoder; grayscale sources get constant neutral chroma planes, so the output is still a colour (3-component)
/// JPEG. Handles and buffers come from a `PrepWorkspace`.
extension ImagePreparer {
    /// Which way an image went through `ImagePreparer`.
    enum Path: Sendable, Hashable {
        /// Y, Cb, Cr planes (JPEG in, JPEG out).
        case planar
        /// RGB pixels (PNG in or out, CMYK, EXIF rotation, `fit` padding).
        case rgb
    }

    /// What the planar path produced.
    struct PlanarResult {
        var encoded: [UInt8]
        var header: ImageHeader
        var layout: ResizeLayout
    }

    /// Prepares a JPEG (already recognised by its signature) to JPEG through planes, or returns nil when the
    /// planar path does not apply (CMYK/YCCK/RGB-coded, EXIF orientation to apply, or padding), leaving the RGB
    /// path to do it. Header checks and errors are the RGB path's.
    func preparePlanar(
        _ bytes: UnsafeBufferPointer<UInt8>, quality: Int, workspace: PrepWorkspace
    ) throws -> PlanarResult? {
        let info = try JPEGCodec.readHeader(try workspace.decompressorHandle(), bytes,
            maxPixels: options.limits.maxPixels)
        guard JPEGCodec.decodesToPlanes(info), !options.applyOrientation || info.header.orientation == .up else {
            return nil
        }
        var stored = info.header
        stored.orientation = .up  // pixels and sizes as stored: nothing is turned on this path
        let (w, h) = (stored.width, stored.height)
        guard min(w, h) >= options.limits.minSide else {
            throw ImagePrepError(.tooSmall, "\(w)×\(h) has a side under \(options.limits.minSide) pixels")
        }
        // As the RGB path: the DCT scale from the full-size layout, the final layout from the scaled size.
        let planned = options.mode.layout(sourceWidth: w, sourceHeight: h)
        let (num, denom) = JPEGCodec.scale(stored,
            DecodeOptions(minimumSize: (planned.contentWidth, planned.contentHeight)))
        let (scaledW, scaledH) = ((w * num + denom - 1) / denom, (h * num + denom - 1) / denom)
        let layout = options.mode.layout(sourceWidth: scaledW, sourceHeight: scaledH)
        guard layout.contentWidth == layout.canvasWidth, layout.contentHeight == layout.canvasHeight else {
            return nil
        }
        let (planes, _) = try JPEGCodec.decodePlanes(bytes, info: info, width: scaledW, height: scaledH,
            reduction: denom / num, workspace: workspace)
        let resized = resizePlanes(planes, width: layout.canvasWidth, height: layout.canvasHeight,
            workspace: workspace)
        let encoded = try JPEGCodec.encodePlanes(resized, width: layout.canvasWidth, height: layout.canvasHeight,
            quality: quality, workspace: workspace)
        return PlanarResult(encoded: encoded, header: info.header, layout: layout)
    }

    /// Y resized to `width` × `height` (edge-replicated to the encoder's padded plane size), Cb and Cr resized to
    /// the 4:2:0 chroma size, or filled with 128 (no colour) for a grayscale source.
    private func resizePlanes(
        _ planes: [PlaneView], width: Int, height: Int, workspace: PrepWorkspace
    ) -> [PlaneView] {
        let sub = Int32(TJSAMP_420.rawValue)
        let yW = Int(tjPlaneWidth(0, Int32(width), sub)), yH = Int(tjPlaneHeight(0, Int32(height), sub))
        let y = MutablePlaneView(base: workspace.resized[0].bytes(yW &* yH), width: width, height: height,
            stride: yW)
        Resampler.resize(planes[0], into: y, scratch: workspace.resample)
        y.replicateEdges(paddedWidth: yW, paddedHeight: yH)
        var out = [y.readOnly]
        let cW = Int(tjPlaneWidth(1, Int32(width), sub)), cH = Int(tjPlaneHeight(1, Int32(height), sub))
        for i in 1...2 {
            let chroma = MutablePlaneView(base: workspace.resized[i].bytes(cW &* cH), width: cW, height: cH,
                stride: cW)
            if planes.count == 3 {
                Resampler.resize(planes[i], into: chroma, scratch: workspace.resample)
            } else {
                chroma.base.update(repeating: 128, count: cW &* cH)
            }
            out.append(chroma.readOnly)
        }
        return out
    }
}
