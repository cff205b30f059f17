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
        /// RGB pixels (PNG in or out, CMYK/YCCK/RGB-coded JPEG).
        case rgb
    }

    /// What the planar path produced.
    struct PlanarResult {
        var encoded: [UInt8]
        var header: ImageHeader
        var layout: ResizeLayout
    }

    /// Prepares a JPEG (already recognised by its signature) to JPEG through planes, turned upright by the EXIF
    /// orientation when asked and padded as `fit` asks, or returns nil when the planar path does not apply
    /// (CMYK/YCCK/RGB-coded JPEGs), leaving the RGB path to do it. Header checks and errors are the RGB path's.
    func preparePlanar(
        _ bytes: UnsafeBufferPointer<UInt8>, quality: Int, workspace: PrepWorkspace
    ) throws -> PlanarResult? {
        let info = try JPEGCodec.readHeader(try workspace.decompressorHandle(), bytes,
            maxPixels: options.limits.maxPixels)
        guard JPEGCodec.decodesToPlanes(info) else { return nil }
        // As the RGB path: sizes upright when the orientation is applied, the DCT scale from the full-size layout,
        // the final layout from the scaled size.
        var oriented = info.header
        if !options.applyOrientation { oriented.orientation = .up }
        let (w, h) = oriented.orientedSize
        try checkMinimumSide(w, h)
        let planned = options.mode.layout(sourceWidth: w, sourceHeight: h)
        let (num, denom) = JPEGCodec.scale(oriented,
            DecodeOptions(minimumSize: (planned.contentWidth, planned.contentHeight)))
        let (scaledW, scaledH) = JPEGCodec.scaledSize(oriented, (num, denom))
        let upright = oriented.orientation.orientedSize(width: scaledW, height: scaledH)
        let layout = options.mode.layout(sourceWidth: upright.width, sourceHeight: upright.height)
        var (planes, _) = try JPEGCodec.decodePlanes(bytes, info: info, width: scaledW, height: scaledH,
            reduction: denom / num, workspace: workspace)
        if oriented.orientation != .up {
            planes = planes.indices.map { i in
                let (uw, uh) = oriented.orientation.orientedSize(width: planes[i].width, height: planes[i].height)
                let out = MutablePlaneView(base: workspace.upright[i].bytes(uw &* uh), width: uw, height: uh,
                    stride: uw)
                oriented.orientation.apply(planes[i], into: out)
                return out.readOnly
            }
        }
        let resized = resizePlanes(planes, layout: layout, workspace: workspace)
        let encoded = try JPEGCodec.encodePlanes(resized, width: layout.canvasWidth, height: layout.canvasHeight,
            quality: quality, workspace: workspace)
        return PlanarResult(encoded: encoded, header: info.header, layout: layout)
    }

    /// Y resized into the layout's content rectangle of a `canvasWidth` × `canvasHeight` plane (edge-replicated
    /// to the encoder's padded plane size), Cb and Cr resized into the same rectangle at the 4:2:0 chroma size (or
    /// 128, no colour, for a grayscale source); outside the rectangle, the background's Y, Cb, Cr.
    private func resizePlanes(
        _ planes: [PlaneView], layout: ResizeLayout, workspace: PrepWorkspace
    ) -> [PlaneView] {
        let (width, height) = (layout.canvasWidth, layout.canvasHeight)
        let padded = layout.contentWidth != width || layout.contentHeight != height
        let background = options.background.ycbcr
        let sub = Int32(TJSAMP_420.rawValue)
        let yW = Int(tjPlaneWidth(0, Int32(width), sub)), yH = Int(tjPlaneHeight(0, Int32(height), sub))
        let y = MutablePlaneView(base: workspace.resized[0].bytes(yW &* yH), width: width, height: height,
            stride: yW)
        if padded { y.base.update(repeating: background.0, count: yW &* yH) }
        let content = y.region(x: layout.contentX, y: layout.contentY, width: layout.contentWidth,
            height: layout.contentHeight)
        Resampler.resize(planes[0], into: content, scratch: workspace.resample)
        y.replicateEdges(paddedWidth: yW, paddedHeight: yH)
        var out = [y.readOnly]
        let cW = Int(tjPlaneWidth(1, Int32(width), sub)), cH = Int(tjPlaneHeight(1, Int32(height), sub))
        // The chroma samples the content touches (a sample half on the content counts as content).
        let (x0, y0) = (layout.contentX / 2, layout.contentY / 2)
        let x1 = (layout.contentX + layout.contentWidth + 1) / 2, y1 = (layout.contentY + layout.contentHeight + 1) / 2
        for i in 1...2 {
            let chroma = MutablePlaneView(base: workspace.resized[i].bytes(cW &* cH), width: cW, height: cH,
                stride: cW)
            if padded { chroma.base.update(repeating: i == 1 ? background.1 : background.2, count: cW &* cH) }
            let region = chroma.region(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
            if planes.count == 3 {
                Resampler.resize(planes[i], into: region, scratch: workspace.resample)
            } else {
                region.fill(128)
            }
            out.append(chroma.readOnly)
        }
        return out
    }
}

extension RGBColor {
    /// The colour as JPEG's (JFIF) Y, Cb, Cr, rounded.
    var ycbcr: (UInt8, UInt8, UInt8) {
        let (r, g, b) = (Double(red), Double(green), Double(blue))
        func byte(_ v: Double) -> UInt8 { UInt8(min(max(v.rounded(), 0), 255)) }
        return (byte(0.299 * r + 0.587 * g + 0.114 * b), byte(-0.168736 * r - 0.331264 * g + 0.5 * b + 128),
            byte(0.5 * r - 0.418688 * g - 0.081312 * b + 128))
    }
}
