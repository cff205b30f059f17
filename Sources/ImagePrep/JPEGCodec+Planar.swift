import CTurboJPEG

/// JPEG as Y, Cb and Cr planes (TurboJPEG's YUV functions): the decoder stops before colour conversion and chroma
/// upsampling, the encoder starts after them. `ImagePreparer`'s JPEG → JPEG path resizes the planes in between.
extension JPEGCodec {
    /// True when `info` describes a JPEG the planar path decodes: YCbCr with a subsampling TurboJPEG knows, or
    /// grayscale. (CMYK, YCCK and RGB-coded JPEGs take the RGB path.)
    static func decodesToPlanes(_ info: HeaderInfo) -> Bool {
        let known = info.subsampling >= 0 && info.subsampling < Int32(TJ_NUMSAMP)
        let gray = info.colorspace == Int32(TJCS_GRAY.rawValue) && info.subsampling == Int32(TJSAMP_GRAY.rawValue)
        return gray || (known && info.colorspace == Int32(TJCS_YCbCr.rawValue)
            && info.subsampling != Int32(TJSAMP_GRAY.rawValue))
    }

    /// Decodes to planes of the DCT-scaled size `width` × `height` (1/`reduction` of the stored size, as `scale`
    /// picked) into the workspace's buffers: [Y] for grayscale, [Y, Cb, Cr] otherwise, each at its subsampled size.
    /// The Y view is exactly `width` × `height` (TurboJPEG's padding column/row excluded); chroma views are whole
    /// planes. At 1/8, baseline files go through `JPEGDCDecoder` (same values) unless `allowDCOnly` is false.
    /// - Returns: the planes, and whether `JPEGDCDecoder` decoded them.
    static func decodePlanes(
        _ bytes: UnsafeBufferPointer<UInt8>, info: HeaderInfo, width: Int, height: Int, reduction: Int,
        allowDCOnly: Bool = true, workspace: PrepWorkspace
    ) throws -> (planes: [PlaneView], dcOnly: Bool) {
        let components = info.subsampling == Int32(TJSAMP_GRAY.rawValue) ? 1 : 3
        if reduction == 8, allowDCOnly, let decoded = JPEGDCDecoder.decode(bytes, into: workspace.decoded),
            decoded.bases.count == components
        {
            var views: [PlaneView] = []
            for i in 0..<components {
                let w = i == 0 ? width : Int(tjPlaneWidth(Int32(i), Int32(width), info.subsampling))
                let h = i == 0 ? height : Int(tjPlaneHeight(Int32(i), Int32(height), info.subsampling))
                guard w > 0, h > 0, w <= decoded.strides[i], h <= decoded.rows[i] else { break }
                views.append(PlaneView(base: UnsafePointer(decoded.bases[i]), width: w, height: h,
                    stride: decoded.strides[i]))
            }
            if views.count == components { return (views, true) }
        }
        let handle = try workspace.decompressorHandle()
        var sizes: [(width: Int, height: Int)] = []
        var bases: [UnsafeMutablePointer<UInt8>] = []
        for i in 0..<components {
            let w = Int(tjPlaneWidth(Int32(i), Int32(width), info.subsampling))
            let h = Int(tjPlaneHeight(Int32(i), Int32(height), info.subsampling))
            guard w > 0, h > 0 else { throw ImagePrepError(.corrupt, "JPEG: no plane size for \(width)×\(height)") }
            sizes.append((w, h))
            bases.append(workspace.decoded[i].bytes(w &* h))
        }
        var pointers: [UnsafeMutablePointer<UInt8>?] = bases
        var strides = sizes.map { Int32($0.width) }
        let rc = tjDecompressToYUVPlanes(handle, bytes.baseAddress, UInt(bytes.count), &pointers, Int32(width),
            &strides, Int32(height), TJFLAG_STOPONWARNING)
        guard rc == 0 else { throw dataError(handle, bytes) }
        let views = (0..<components).map { i in
            PlaneView(base: UnsafePointer(bases[i]), width: i == 0 ? width : sizes[i].width,
                height: i == 0 ? height : sizes[i].height, stride: sizes[i].width)
        }
        return (views, false)
    }

    /// Encodes 4:2:0 planes — Y of `tjPlaneWidth(0, width, TJSAMP_420)` × `tjPlaneHeight(0, …)` (padding
    /// included), Cb and Cr of the chroma plane size — as a baseline JPEG at `quality` (clamped to 1–100).
    static func encodePlanes(
        _ planes: [PlaneView], width: Int, height: Int, quality: Int, workspace: PrepWorkspace
    ) throws -> [UInt8] {
        precondition(planes.count == 3)
        let handle = try workspace.compressorHandle()
        let bound = tjBufSize(Int32(width), Int32(height), Int32(TJSAMP_420.rawValue))
        // The workspace's buffer for ordinary sizes (no allocation per image); TurboJPEG's own for huge ones.
        let reuse = bound != UInt.max && Int(bound) <= PrepWorkspace.retainedBufferLimit
        var output: UnsafeMutablePointer<UInt8>? = reuse ? workspace.output.bytes(Int(bound)) : nil
        var size: UInt = reuse ? bound : 0
        var sources: [UnsafePointer<UInt8>?] = planes.map(\.base)
        var strides = planes.map { Int32($0.stride) }
        let rc = tjCompressFromYUVPlanes(handle, &sources, Int32(width), &strides, Int32(height),
            Int32(TJSAMP_420.rawValue), &output, &size, Int32(min(max(quality, 1), 100)),
            reuse ? TJFLAG_NOREALLOC : 0)
        defer { if !reuse, let output { tjFree(output) } }
        guard rc == 0, let output else {
            throw ImagePrepError(.encodingFailed, "JPEG encode: \(String(cString: tjGetErrorStr2(handle)))")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
