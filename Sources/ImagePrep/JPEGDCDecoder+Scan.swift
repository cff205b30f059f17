/// The entropy-coded scan of `JPEGDCDecoder`: DC values out, AC codes skipped.
extension JPEGDCDecoder {
    struct Frame {
        var width: Int
        var height: Int
        var components: [Component]
        var quant: [Int32]
        var restartInterval: Int

        func decodeScan(
            _ data: UnsafeBufferPointer<UInt8>, at position: Int, dc: [HuffmanStorage?], ac: [HuffmanStorage?],
            into buffers: [ScratchBuffer]
        ) -> Planes? {
            let n = components.count
            guard buffers.count >= n, components.allSatisfy({ quant[$0.quantTable] > 0 }) else { return nil }
            // One component: not interleaved, one block an MCU whatever its sampling factors (as libjpeg).
            let hs = n == 1 ? [1] : components.map(\.h), vs = n == 1 ? [1] : components.map(\.v)
            let hMax = hs.max() ?? 1, vMax = vs.max() ?? 1
            let mcusX = (width + 8 * hMax - 1) / (8 * hMax), mcusY = (height + 8 * vMax - 1) / (8 * vMax)
            let strides = hs.map { mcusX * $0 }, rows = vs.map { mcusY * $0 }
            let planes = (0..<n).map { buffers[$0].bytes(strides[$0] * rows[$0]) }
            var storage: [HuffmanStorage] = []
            var slots: [BlockSlot] = []
            for c in 0..<n {
                guard let dcStorage = dc[components[c].dcTable], let acStorage = ac[components[c].acTable] else {
                    return nil
                }
                storage += [dcStorage, acStorage]
                for by in 0..<vs[c] {
                    for bx in 0..<hs[c] {
                        slots.append(BlockSlot(component: c, plane: planes[c] + by * strides[c] + bx,
                            mcuRowStep: vs[c] * strides[c], mcuColumnStep: hs[c], dc: dcStorage.table,
                            ac: acStorage.table, quantizer: quant[components[c].quantTable]))
                    }
                }
            }
            var reader = BitReader(data, position: position)
            var predictions: (Int32, Int32, Int32) = (0, 0, 0)
            var untilRestart = restartInterval, nextRestart: UInt8 = 0
            let ok = withExtendedLifetime(storage) {
                slots.withUnsafeBufferPointer { slots -> Bool in
                    for my in 0..<mcusY {
                        for mx in 0..<mcusX {
                            if restartInterval > 0 {
                                if untilRestart == 0 {
                                    guard reader.expectMarker(0xD0 + nextRestart) else { return false }
                                    nextRestart = (nextRestart + 1) & 7
                                    untilRestart = restartInterval
                                    predictions = (0, 0, 0)
                                }
                                untilRestart -= 1
                            }
                            for slot in slots {
                                guard let diff = JPEGDCDecoder.dcDifference(&reader, slot.dc),
                                    JPEGDCDecoder.skipAC(&reader, slot.ac) else { return false }
                                let c = slot.component
                                let prediction: Int32
                                switch c {
                                case 0: predictions.0 &+= diff; prediction = predictions.0
                                case 1: predictions.1 &+= diff; prediction = predictions.1
                                default: predictions.2 &+= diff; prediction = predictions.2
                                }
                                let sample = JPEGDCDecoder.sample(prediction, quantizer: slot.quantizer)
                                slot.plane[my &* slot.mcuRowStep &+ mx &* slot.mcuColumnStep] = sample
                            }
                        }
                    }
                    return true
                }
            }
            guard ok else { return nil }
            // The data must end here: only the last byte's padding, then the EOI marker.
            guard reader.expectMarker(0xD9) else { return nil }
            return Planes(bases: planes, strides: strides, rows: rows)
        }
    }

    /// One block of an MCU: its component, where its sample lands in the component's plane for the first MCU
    /// (`plane`) and how far that moves per MCU row and column, and its tables.
    struct BlockSlot {
        var component: Int
        var plane: UnsafeMutablePointer<UInt8>
        var mcuRowStep: Int
        var mcuColumnStep: Int
        var dc: UnsafeHuffman
        var ac: UnsafeHuffman
        var quantizer: Int32
    }

    /// The DC difference of one block.
    @inline(__always) static func dcDifference(_ reader: inout BitReader, _ table: UnsafeHuffman) -> Int32? {
        reader.refill()
        guard let size = reader.symbol(table), size <= 15 else { return nil }
        guard size > 0 else { return 0 }
        let v = reader.take(size)
        // JPEG's EXTEND: values below half the range are negative.
        return Int32(v < 1 << (size - 1) ? v - (1 << size) + 1 : v)
    }

    /// Steps over the 63 AC coefficients of one block; false for a bad code.
    @inline(__always) static func skipAC(_ reader: inout BitReader, _ table: UnsafeHuffman) -> Bool {
        var k = 1
        while k < 64 {
            reader.refill()
            let index = reader.peek(skipBits)
            let several = Int(table.multi[index])
            if several != 0 {
                // Up to three codes at once while they all belong to this block, else the first one alone.
                let entry = k &+ (several >> 5 & 63) <= 64 ? several : Int(table.skip[index])
                reader.drop(entry & 31)
                if entry & endOfBlockFlag != 0 { return true }
                k &+= entry >> 5 & 63
                continue
            }
            guard let symbol = reader.symbol(table) else { return false }
            let run = symbol >> 4, size = symbol & 15
            if size == 0 {
                if run != 15 { return true }
                k &+= 16
            } else {
                reader.drop(size)
                k &+= run + 1
            }
        }
        return true
    }

    /// libjpeg-turbo's 1×1 inverse DCT: the coefficient as stored (16 bits) times the quantizer, descaled by 8 with
    /// rounding, then its post-IDCT range limit (index masked to 10 bits, as libjpeg's table lookup does).
    @inline(__always) static func sample(_ prediction: Int32, quantizer: Int32) -> UInt8 {
        let value = (Int32(Int16(truncatingIfNeeded: prediction)) &* quantizer &+ 4) &>> 3
        let i = value & 1023
        return UInt8(truncatingIfNeeded: i < 128 ? i + 128 : (i < 512 ? 255 : (i < 896 ? 0 : i - 896)))
    }
}
