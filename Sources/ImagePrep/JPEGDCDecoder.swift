/// Decodes a baseline JPEG at 1/8 scale — one pixel per 8×8 block, from the block's DC coefficient — into Y, Cb,
/// Cr planes, with the same values libjpeg-turbo's 1/8-scaled decode gives (its `jpeg_idct_1x1`: DC × quantizer,
/// descaled by 8, range-limited). The AC coefficients, which that scale never uses, are skipped with a lookup
/// table that drops each code and its extra bits in one step, where libjpeg-turbo decodes them one by one: for a
/// large photo shrunk to 256×256 the entropy decoding is nearly all the work.
///
/// Handles one interleaved baseline (SOF0/SOF1, 8-bit, Huffman) scan of 1 or 3 components, with restart markers.
/// Returns nil for anything else and for any irregularity in the data (a bad code, a missing or wrong restart
/// marker, data running out, extra bytes before the end): the caller then decodes with libjpeg-turbo, whose
/// result and errors are authoritative.
enum JPEGDCDecoder {
    struct Component {
        var id: UInt8
        var h: Int
        var v: Int
        var quantTable: Int
        var dcTable = 0
        var acTable = 0
    }

    /// The decoded planes: plane `c` at `bases[c]` holds `mcusX * h` × `mcusY * v` samples (the whole MCU grid),
    /// `strides[c]` bytes a row.
    struct Planes {
        var bases: [UnsafeMutablePointer<UInt8>]
        var strides: [Int]
        var rows: [Int]
    }

    /// Decodes into `buffers` (one per component). Nil when the file is not one it handles or the data is not
    /// perfectly regular.
    static func decode(_ data: UnsafeBufferPointer<UInt8>, into buffers: [ScratchBuffer]) -> Planes? {
        guard data.count >= 4, data[0] == 0xFF, data[1] == 0xD8 else { return nil }
        var quant = [Int32](repeating: 0, count: 4)
        var dc = [HuffmanStorage?](repeating: nil, count: 4), ac = [HuffmanStorage?](repeating: nil, count: 4)
        var components: [Component] = []
        var width = 0, height = 0, restartInterval = 0
        var pos = 2
        while true {
            guard pos + 4 <= data.count, data[pos] == 0xFF else { return nil }
            var marker = data[pos + 1]
            while marker == 0xFF {
                pos += 1
                guard pos + 4 <= data.count else { return nil }
                marker = data[pos + 1]
            }
            pos += 2
            guard !(0xD0...0xD9).contains(marker), marker != 0x01 else { return nil }
            let length = Int(data[pos]) << 8 | Int(data[pos + 1])
            guard length >= 2, pos + length <= data.count else { return nil }
            let start = pos + 2, end = pos + length
            pos = end
            switch marker {
            case 0xDB:
                var i = start
                while i < end {
                    let precision = data[i] >> 4, table = Int(data[i] & 15)
                    guard table < 4, precision <= 1, i + 1 + 64 * (Int(precision) + 1) <= end else { return nil }
                    quant[table] = precision == 0 ? Int32(data[i + 1]) : Int32(data[i + 1]) << 8 | Int32(data[i + 2])
                    i += 1 + 64 * (Int(precision) + 1)
                }
            case 0xC0, 0xC1:
                guard components.isEmpty, end - start >= 6, data[start] == 8 else { return nil }
                height = Int(data[start + 1]) << 8 | Int(data[start + 2])
                width = Int(data[start + 3]) << 8 | Int(data[start + 4])
                let n = Int(data[start + 5])
                guard width > 0, height > 0, n == 1 || n == 3, end - start >= 6 + 3 * n else { return nil }
                for c in 0..<n {
                    let f = start + 6 + 3 * c
                    let component = Component(id: data[f], h: Int(data[f + 1] >> 4), v: Int(data[f + 1] & 15),
                        quantTable: Int(data[f + 2]))
                    guard (1...4).contains(component.h), (1...4).contains(component.v), component.quantTable < 4
                    else { return nil }
                    components.append(component)
                }
            case 0xC2, 0xC3, 0xC5...0xC7, 0xC8...0xCB, 0xCD...0xCF:
                return nil  // progressive, lossless, hierarchical or arithmetic-coded
            case 0xC4:
                var i = start
                while i + 17 <= end {
                    let tableClass = data[i] >> 4, table = Int(data[i] & 15)
                    let total = data[(i + 1)..<(i + 17)].reduce(0) { $0 + Int($1) }
                    guard tableClass <= 1, table < 4, total <= 256, i + 17 + total <= end else { return nil }
                    // A DC symbol is a bit count, 0–15; libjpeg refuses a DC table with any other.
                    guard tableClass == 1 || data[(i + 17)..<(i + 17 + total)].allSatisfy({ $0 <= 15 }) else {
                        return nil
                    }
                    let definition = Array(data[(i + 1)..<(i + 17 + total)])
                    guard let built = HuffmanStorage.cached(definition) else { return nil }
                    if tableClass == 0 { dc[table] = built } else { ac[table] = built }
                    i += 17 + total
                }
                guard i == end else { return nil }
            case 0xDD:
                guard end - start >= 2 else { return nil }
                restartInterval = Int(data[start]) << 8 | Int(data[start + 1])
            case 0xDA:
                let n = Int(data[start])
                guard !components.isEmpty, n == components.count, end - start == 4 + 2 * n else { return nil }
                for c in 0..<n {
                    let s = start + 1 + 2 * c
                    guard data[s] == components[c].id else { return nil }
                    components[c].dcTable = Int(data[s + 1] >> 4)
                    components[c].acTable = Int(data[s + 1] & 15)
                    guard components[c].dcTable < 4, components[c].acTable < 4, dc[components[c].dcTable] != nil,
                        ac[components[c].acTable] != nil else { return nil }
                }
                let f = start + 1 + 2 * n
                // Baseline: coefficients 0–63 in one scan, no successive approximation.
                guard data[f] == 0, data[f + 1] == 63, data[f + 2] == 0 else { return nil }
                let frame = Frame(width: width, height: height, components: components, quant: quant,
                    restartInterval: restartInterval)
                return frame.decodeScan(data, at: end, dc: dc, ac: ac, into: buffers)
            default:
                break  // APPn, COM and the like
            }
        }
    }
}
