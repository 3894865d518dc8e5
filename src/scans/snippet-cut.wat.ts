// WebAssembly text of the snippet cut (snippet-cutter.ts assembles it once per thread): domain/cut-snippet.ts's
// cutBoxNormalised, the reference, with the resampling and the histogram here. It keeps the reference's structure: per
// row, the columns whose 2×2 neighbourhood lies inside the page (the same span, in the same double arithmetic) take the
// fast path, the others the exact bilinearAt of gray-image.ts (outside the page white paper), operation for operation.
// The fast path does eight pixels at a time in fixed point (see there), its grey levels within one of the reference's.
//
// Memory: [0, 4096) the histogram (256 × u32, and three more summed into it at the end), [4096, 4352) the contrast
// lookup table, then the snippet, then the part of the page under it (rw wide, its top left at page pixel rx, ry: the
// page pixels outside it are either outside the page or never read).

export const SNIPPET_CUT_WAT = String.raw`
(module
  (memory (export "memory") 1)
  ;; the page (sw × sh) and where its rectangle lies in memory
  (global $sw (mut i32) (i32.const 0))
  (global $sh (mut i32) (i32.const 0))
  (global $rx (mut i32) (i32.const 0))
  (global $ry (mut i32) (i32.const 0))
  (global $rw (mut i32) (i32.const 0))
  (global $src (mut i32) (i32.const 0))
  ;; the cut's vector constants, set by cut before its rows. Globals, not locals, on purpose: V8's optimising compiler
  ;; does not hoist a local's value computed before the loops out of them (the uses are not in a loop header), so it
  ;; computed them again (two f64 roundings, splats, shifts) in every group of eight pixels; a global is one load.
  (global $DUa (mut v128) (v128.const i32x4 0 0 0 0))
  (global $DUb (mut v128) (v128.const i32x4 0 0 0 0))
  (global $DVa (mut v128) (v128.const i32x4 0 0 0 0))
  (global $DVb (mut v128) (v128.const i32x4 0 0 0 0))
  (global $DU8 (mut v128) (v128.const i32x4 0 0 0 0))
  (global $DV8 (mut v128) (v128.const i32x4 0 0 0 0))
  (global $BASE (mut v128) (v128.const i32x4 0 0 0 0))
  (global $RW (mut v128) (v128.const i32x4 0 0 0 0))
  (global $UMAX (mut v128) (v128.const i32x4 0 0 0 0))
  (global $VMAX (mut v128) (v128.const i32x4 0 0 0 0))
  ;; the span of columns whose 2x2 neighbourhood lies inside the image, set by $span
  (global $lo (mut f64) (f64.const 0))
  (global $hi (mut f64) (f64.const 0))

  ;; grey level of page pixel (i, j); outside the image white paper (gray-image.ts bilinearAt's p)
  (func $px (param $i i32) (param $j i32) (result f64)
    (if (result f64)
      (i32.or
        (i32.or (i32.lt_s (local.get $i) (i32.const 0)) (i32.lt_s (local.get $j) (i32.const 0)))
        (i32.or (i32.ge_s (local.get $i) (global.get $sw)) (i32.ge_s (local.get $j) (global.get $sh))))
      (then (f64.const 255))
      (else
        (f64.convert_i32_u
          (i32.load8_u
            (i32.add (global.get $src)
              (i32.add
                (i32.mul (i32.sub (local.get $j) (global.get $ry)) (global.get $rw))
                (i32.sub (local.get $i) (global.get $rx)))))))))

  ;; Math.round(bilinearAt(img, u, v)) for the exact path at the image's edges
  (func $slow (param $u f64) (param $v f64) (result i32)
    (local $x f64) (local $y f64) (local $fi f64) (local $fj f64) (local $fx f64) (local $fy f64)
    (local $i i32) (local $j i32) (local $top f64) (local $bottom f64) (local $g f64) (local $r f64)
    (local.set $x (f64.sub (local.get $u) (f64.const 0.5)))
    (local.set $y (f64.sub (local.get $v) (f64.const 0.5)))
    (local.set $fi (f64.floor (local.get $x)))
    (local.set $fj (f64.floor (local.get $y)))
    (local.set $fx (f64.sub (local.get $x) (local.get $fi)))
    (local.set $fy (f64.sub (local.get $y) (local.get $fj)))
    (local.set $i (i32.trunc_sat_f64_s (local.get $fi)))
    (local.set $j (i32.trunc_sat_f64_s (local.get $fj)))
    (local.set $top
      (f64.add
        (f64.mul (call $px (local.get $i) (local.get $j)) (f64.sub (f64.const 1) (local.get $fx)))
        (f64.mul (call $px (i32.add (local.get $i) (i32.const 1)) (local.get $j)) (local.get $fx))))
    (local.set $bottom
      (f64.add
        (f64.mul (call $px (local.get $i) (i32.add (local.get $j) (i32.const 1))) (f64.sub (f64.const 1) (local.get $fx)))
        (f64.mul (call $px (i32.add (local.get $i) (i32.const 1)) (i32.add (local.get $j) (i32.const 1))) (local.get $fx))))
    (local.set $g
      (f64.add
        (f64.mul (local.get $top) (f64.sub (f64.const 1) (local.get $fy)))
        (f64.mul (local.get $bottom) (local.get $fy))))
    ;; Math.round of a value >= 0: down, or up when the fraction is a half or more
    (local.set $r (f64.floor (local.get $g)))
    (if (f64.ge (f64.sub (local.get $g) (local.get $r)) (f64.const 0.5))
      (then (local.set $r (f64.add (local.get $r) (f64.const 1)))))
    (i32.trunc_sat_f64_s (local.get $r)))

  ;; narrows [$lo, $hi) to the i with 0 <= p0 + i*dp < size - 1 less a column either side (cut-snippet.ts insideSpan);
  ;; returns 1 when the span is empty outright
  (func $span (param $p0 f64) (param $dp f64) (param $size i32) (result i32)
    (local $lim f64) (local $a f64) (local $b f64)
    (local.set $lim (f64.sub (f64.convert_i32_s (local.get $size)) (f64.const 1)))
    (if (f64.lt (f64.abs (local.get $dp)) (f64.const 1e-12))
      (then
        (return
          (i32.eqz
            (i32.and (f64.ge (local.get $p0) (f64.const 0)) (f64.lt (local.get $p0) (local.get $lim)))))))
    (local.set $a (f64.div (f64.sub (f64.const 0) (local.get $p0)) (local.get $dp)))
    (local.set $b (f64.div (f64.sub (local.get $lim) (local.get $p0)) (local.get $dp)))
    (global.set $lo
      (f64.max (global.get $lo) (f64.add (f64.ceil (f64.min (local.get $a) (local.get $b))) (f64.const 1))))
    (global.set $hi
      (f64.min (global.get $hi) (f64.sub (f64.floor (f64.max (local.get $a) (local.get $b))) (f64.const 1))))
    (i32.const 0))

  ;; Cuts the snippet (width × height at dst, its rows stride bytes apart: a tile of a larger snippet) and counts its grey levels into the histogram at 0.
  ;; The page rectangle (rw wide, its top left at page pixel rx, ry) is at src; the page is sw × sh.
  ;; x0, y0: the snippet's top left in sheet points; inv: points per snippet pixel; a..f: sheet points -> page pixels.
  (func (export "cut")
    (param $srcAt i32) (param $rxv i32) (param $ryv i32) (param $rwv i32) (param $swv i32) (param $shv i32)
    (param $dst i32) (param $width i32) (param $height i32) (param $stride i32)
    (param $x0 f64) (param $y0 f64) (param $inv f64)
    (param $a f64) (param $b f64) (param $c f64) (param $d f64) (param $e f64) (param $f f64)
    (local $j i32) (local $i i32) (local $row i32) (local $y f64) (local $xs f64) (local $u0 f64) (local $v0 f64)
    (local $du f64) (local $dv f64) (local $u f64) (local $v f64) (local $iStart i32) (local $iEnd i32)
    (local $xi i32) (local $yi i32) (local $fx f64) (local $fy f64) (local $o i32) (local $base i32)
    (local $p00 f64) (local $p01 f64) (local $top f64) (local $bottom f64) (local $g i32) (local $rw i32) (local $h i32)
    (local $gEnd i32) (local $t i32) (local $Ua v128) (local $Ub v128) (local $Va v128) (local $Vb v128)
    (local $O0 v128) (local $O1 v128) (local $FX v128) (local $FY v128) (local $P v128) (local $Q v128) (local $P0 v128)
    (local $Q0 v128) (local $TOP v128) (local $BOT v128) (local $G v128) (local $ZERO v128) (local $Ca v128) (local $Cb v128)
    (local $Ra v128) (local $Rb v128) (local $LOW16 v128) (local $duf i32) (local $dvf i32)
    (global.set $src (local.get $srcAt))
    (global.set $rx (local.get $rxv))
    (global.set $ry (local.get $ryv))
    (global.set $rw (local.get $rwv))
    (global.set $sw (local.get $swv))
    (global.set $sh (local.get $shv))
    (local.set $rw (local.get $rwv))
    ;; byte of page pixel (xi, yi) = base + yi*rw + xi
    (local.set $base
      (i32.sub (local.get $srcAt) (i32.add (i32.mul (local.get $ryv) (local.get $rwv)) (local.get $rxv))))
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 4096))
    (local.set $du (f64.mul (local.get $a) (local.get $inv)))
    (local.set $dv (f64.mul (local.get $d) (local.get $inv)))
    (local.set $xs (f64.add (local.get $x0) (f64.mul (f64.const 0.5) (local.get $inv))))
    ;; the eight lanes' offsets from a group's first pixel, 16.16, and a group's step
    (local.set $duf (i32.trunc_sat_f64_s (f64.nearest (f64.mul (local.get $du) (f64.const 65536)))))
    (local.set $dvf (i32.trunc_sat_f64_s (f64.nearest (f64.mul (local.get $dv) (f64.const 65536)))))
    (global.set $DUa (i32x4.mul (v128.const i32x4 0 1 2 3) (i32x4.splat (local.get $duf))))
    (global.set $DUb (i32x4.mul (v128.const i32x4 4 5 6 7) (i32x4.splat (local.get $duf))))
    (global.set $DVa (i32x4.mul (v128.const i32x4 0 1 2 3) (i32x4.splat (local.get $dvf))))
    (global.set $DVb (i32x4.mul (v128.const i32x4 4 5 6 7) (i32x4.splat (local.get $dvf))))
    (global.set $DU8 (i32x4.splat (i32.shl (local.get $duf) (i32.const 3))))
    (global.set $DV8 (i32x4.splat (i32.shl (local.get $dvf) (i32.const 3))))
    (global.set $BASE (i32x4.splat (local.get $base)))
    (global.set $RW (i32x4.splat (local.get $rw)))
    (local.set $LOW16 (v128.const i32x4 0xffff 0xffff 0xffff 0xffff))
    (global.set $UMAX (i32x4.splat (i32.shl (i32.sub (local.get $swv) (i32.const 1)) (i32.const 16))))
    (global.set $VMAX (i32x4.splat (i32.shl (i32.sub (local.get $shv) (i32.const 1)) (i32.const 16))))
    (local.set $j (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $j) (local.get $height)))
        (local.set $y
          (f64.add (local.get $y0) (f64.mul (f64.add (f64.convert_i32_s (local.get $j)) (f64.const 0.5)) (local.get $inv))))
        (local.set $u0
          (f64.sub
            (f64.add (f64.add (f64.mul (local.get $a) (local.get $xs)) (f64.mul (local.get $b) (local.get $y))) (local.get $c))
            (f64.const 0.5)))
        (local.set $v0
          (f64.sub
            (f64.add (f64.add (f64.mul (local.get $d) (local.get $xs)) (f64.mul (local.get $e) (local.get $y))) (local.get $f))
            (f64.const 0.5)))
        (local.set $row (i32.add (local.get $dst) (i32.mul (local.get $j) (local.get $stride))))
        ;; [iStart, iEnd): the fast columns
        (global.set $lo (f64.const 0))
        (global.set $hi (f64.convert_i32_s (local.get $width)))
        (local.set $iStart (i32.const 0))
        (local.set $iEnd (i32.const 0))
        (if (i32.eqz (call $span (local.get $u0) (local.get $du) (local.get $swv)))
          (then
            (if (i32.eqz (call $span (local.get $v0) (local.get $dv) (local.get $shv)))
              (then
                (if (f64.gt (global.get $hi) (global.get $lo))
                  (then
                    (local.set $iStart (i32.trunc_sat_f64_s (global.get $lo)))
                    (local.set $iEnd (i32.trunc_sat_f64_s (global.get $hi)))))))))
        ;; the exact path before the span
        (local.set $i (i32.const 0))
        (block $pre_done
          (loop $pre
            (br_if $pre_done (i32.ge_s (local.get $i) (local.get $iStart)))
            (local.set $g
              (call $slow
                (f64.add (f64.add (local.get $u0) (f64.mul (f64.convert_i32_s (local.get $i)) (local.get $du))) (f64.const 0.5))
                (f64.add (f64.add (local.get $v0) (f64.mul (f64.convert_i32_s (local.get $i)) (local.get $dv))) (f64.const 0.5))))
            (i32.store8 (i32.add (local.get $row) (local.get $i)) (local.get $g))
            (local.set $h (i32.shl (i32.and (local.get $g) (i32.const 255)) (i32.const 2)))
            (i32.store (local.get $h) (i32.add (i32.load (local.get $h)) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $pre)))
        ;; The fast path, eight pixels at a time, bilinear between pixel centres in fixed point: positions 16.16, taken
        ;; afresh from the row's start every 64 pixels and stepped in between (off by at most 2^-11 pixel), weights
        ;; Q15 (2^-16 more), the interpolation in 1/128 grey levels (i16x8.q15mulr_sat_s rounds each of three
        ;; products): within 255 × 2 × (2^-11 + 2^-16) + 3/256 < 0.3 level of the exact bilinear value at the sample,
        ;; so after rounding within one grey level of the reference's.
        (local.set $gEnd (local.get $i))
        (if (i32.gt_s (local.get $iEnd) (local.get $i))
          (then (local.set $gEnd (i32.add (local.get $i) (i32.and (i32.sub (local.get $iEnd) (local.get $i)) (i32.const -8))))))
        (block $group_done
          (loop $group
            (br_if $group_done (i32.ge_s (local.get $i) (local.get $gEnd)))
            (if (i32.eqz (i32.and (i32.sub (local.get $i) (local.get $iStart)) (i32.const 63)))
              (then
                (local.set $t
                  (i32.trunc_sat_f64_s
                    (f64.nearest
                      (f64.mul (f64.add (local.get $u0) (f64.mul (f64.convert_i32_s (local.get $i)) (local.get $du))) (f64.const 65536)))))
                (local.set $Ua (i32x4.add (global.get $DUa) (i32x4.splat (local.get $t))))
                (local.set $Ub (i32x4.add (global.get $DUb) (i32x4.splat (local.get $t))))
                (local.set $t
                  (i32.trunc_sat_f64_s
                    (f64.nearest
                      (f64.mul (f64.add (local.get $v0) (f64.mul (f64.convert_i32_s (local.get $i)) (local.get $dv))) (f64.const 65536)))))
                (local.set $Va (i32x4.add (global.get $DVa) (i32x4.splat (local.get $t))))
                (local.set $Vb (i32x4.add (global.get $DVb) (i32x4.splat (local.get $t))))))
            ;; A position a hair outside [0, size - 1] by the fixed point's error (the span keeps the exact ones inside)
            ;; is put on the page's edge: the neighbour beyond it then has no weight, and no read leaves the rectangle
            ;; by more than the row below it.
            (local.set $Ca (i32x4.min_s (i32x4.max_s (local.get $Ua) (local.get $ZERO)) (global.get $UMAX)))
            (local.set $Cb (i32x4.min_s (i32x4.max_s (local.get $Ub) (local.get $ZERO)) (global.get $UMAX)))
            (local.set $Ra (i32x4.min_s (i32x4.max_s (local.get $Va) (local.get $ZERO)) (global.get $VMAX)))
            (local.set $Rb (i32x4.min_s (i32x4.max_s (local.get $Vb) (local.get $ZERO)) (global.get $VMAX)))
            (local.set $O0
              (i32x4.add (global.get $BASE)
                (i32x4.add
                  (i32x4.mul (i32x4.shr_s (local.get $Ra) (i32.const 16)) (global.get $RW))
                  (i32x4.shr_s (local.get $Ca) (i32.const 16)))))
            (local.set $O1
              (i32x4.add (global.get $BASE)
                (i32x4.add
                  (i32x4.mul (i32x4.shr_s (local.get $Rb) (i32.const 16)) (global.get $RW))
                  (i32x4.shr_s (local.get $Cb) (i32.const 16)))))
            (local.set $FX
              (i16x8.narrow_i32x4_s
                (i32x4.shr_u (v128.and (local.get $Ca) (local.get $LOW16)) (i32.const 1))
                (i32x4.shr_u (v128.and (local.get $Cb) (local.get $LOW16)) (i32.const 1))))
            (local.set $FY
              (i16x8.narrow_i32x4_s
                (i32x4.shr_u (v128.and (local.get $Ra) (local.get $LOW16)) (i32.const 1))
                (i32x4.shr_u (v128.and (local.get $Rb) (local.get $LOW16)) (i32.const 1))))
            ;; each pixel's two pairs, upper (P) and lower (Q) row: low byte the left pixel, high byte the right one
            (local.set $o (i32x4.extract_lane 0 (local.get $O0)))
            (local.set $P (v128.load16_lane 0 (local.get $o) (local.get $P)))
            (local.set $Q (v128.load16_lane 0 (i32.add (local.get $o) (local.get $rw)) (local.get $Q)))
            (local.set $o (i32x4.extract_lane 1 (local.get $O0)))
            (local.set $P (v128.load16_lane 1 (local.get $o) (local.get $P)))
            (local.set $Q (v128.load16_lane 1 (i32.add (local.get $o) (local.get $rw)) (local.get $Q)))
            (local.set $o (i32x4.extract_lane 2 (local.get $O0)))
            (local.set $P (v128.load16_lane 2 (local.get $o) (local.get $P)))
            (local.set $Q (v128.load16_lane 2 (i32.add (local.get $o) (local.get $rw)) (local.get $Q)))
            (local.set $o (i32x4.extract_lane 3 (local.get $O0)))
            (local.set $P (v128.load16_lane 3 (local.get $o) (local.get $P)))
            (local.set $Q (v128.load16_lane 3 (i32.add (local.get $o) (local.get $rw)) (local.get $Q)))
            (local.set $o (i32x4.extract_lane 0 (local.get $O1)))
            (local.set $P (v128.load16_lane 4 (local.get $o) (local.get $P)))
            (local.set $Q (v128.load16_lane 4 (i32.add (local.get $o) (local.get $rw)) (local.get $Q)))
            (local.set $o (i32x4.extract_lane 1 (local.get $O1)))
            (local.set $P (v128.load16_lane 5 (local.get $o) (local.get $P)))
            (local.set $Q (v128.load16_lane 5 (i32.add (local.get $o) (local.get $rw)) (local.get $Q)))
            (local.set $o (i32x4.extract_lane 2 (local.get $O1)))
            (local.set $P (v128.load16_lane 6 (local.get $o) (local.get $P)))
            (local.set $Q (v128.load16_lane 6 (i32.add (local.get $o) (local.get $rw)) (local.get $Q)))
            (local.set $o (i32x4.extract_lane 3 (local.get $O1)))
            (local.set $P (v128.load16_lane 7 (local.get $o) (local.get $P)))
            (local.set $Q (v128.load16_lane 7 (i32.add (local.get $o) (local.get $rw)) (local.get $Q)))
            (local.set $P0 (v128.and (local.get $P) (v128.const i16x8 255 255 255 255 255 255 255 255)))
            (local.set $Q0 (v128.and (local.get $Q) (v128.const i16x8 255 255 255 255 255 255 255 255)))
            (local.set $TOP
              (i16x8.add (i16x8.shl (local.get $P0) (i32.const 7))
                (i16x8.q15mulr_sat_s (i16x8.shl (i16x8.sub (i16x8.shr_u (local.get $P) (i32.const 8)) (local.get $P0)) (i32.const 7)) (local.get $FX))))
            (local.set $BOT
              (i16x8.add (i16x8.shl (local.get $Q0) (i32.const 7))
                (i16x8.q15mulr_sat_s (i16x8.shl (i16x8.sub (i16x8.shr_u (local.get $Q) (i32.const 8)) (local.get $Q0)) (i32.const 7)) (local.get $FX))))
            ;; 0 to 255 × 128 here: no overflow of an i16
            (local.set $G
              (i16x8.shr_u
                (i16x8.add
                  (i16x8.add (local.get $TOP) (i16x8.q15mulr_sat_s (i16x8.sub (local.get $BOT) (local.get $TOP)) (local.get $FY)))
                  (v128.const i16x8 64 64 64 64 64 64 64 64))
                (i32.const 7)))
            (v128.store64_lane 0 (i32.add (local.get $row) (local.get $i)) (i8x16.narrow_i16x8_u (local.get $G) (local.get $G)))
            ;; four histograms, so that equal neighbours do not wait on each other's count
            (local.set $h (i32.shl (i16x8.extract_lane_u 0 (local.get $G)) (i32.const 2)))
            (i32.store offset=0 (local.get $h) (i32.add (i32.load offset=0 (local.get $h)) (i32.const 1)))
            (local.set $h (i32.shl (i16x8.extract_lane_u 1 (local.get $G)) (i32.const 2)))
            (i32.store offset=1024 (local.get $h) (i32.add (i32.load offset=1024 (local.get $h)) (i32.const 1)))
            (local.set $h (i32.shl (i16x8.extract_lane_u 2 (local.get $G)) (i32.const 2)))
            (i32.store offset=2048 (local.get $h) (i32.add (i32.load offset=2048 (local.get $h)) (i32.const 1)))
            (local.set $h (i32.shl (i16x8.extract_lane_u 3 (local.get $G)) (i32.const 2)))
            (i32.store offset=3072 (local.get $h) (i32.add (i32.load offset=3072 (local.get $h)) (i32.const 1)))
            (local.set $h (i32.shl (i16x8.extract_lane_u 4 (local.get $G)) (i32.const 2)))
            (i32.store offset=0 (local.get $h) (i32.add (i32.load offset=0 (local.get $h)) (i32.const 1)))
            (local.set $h (i32.shl (i16x8.extract_lane_u 5 (local.get $G)) (i32.const 2)))
            (i32.store offset=1024 (local.get $h) (i32.add (i32.load offset=1024 (local.get $h)) (i32.const 1)))
            (local.set $h (i32.shl (i16x8.extract_lane_u 6 (local.get $G)) (i32.const 2)))
            (i32.store offset=2048 (local.get $h) (i32.add (i32.load offset=2048 (local.get $h)) (i32.const 1)))
            (local.set $h (i32.shl (i16x8.extract_lane_u 7 (local.get $G)) (i32.const 2)))
            (i32.store offset=3072 (local.get $h) (i32.add (i32.load offset=3072 (local.get $h)) (i32.const 1)))
            (local.set $Ua (i32x4.add (local.get $Ua) (global.get $DU8)))
            (local.set $Ub (i32x4.add (local.get $Ub) (global.get $DU8)))
            (local.set $Va (i32x4.add (local.get $Va) (global.get $DV8)))
            (local.set $Vb (i32x4.add (local.get $Vb) (global.get $DV8)))
            (local.set $i (i32.add (local.get $i) (i32.const 8)))
            (br $group)))
        ;; the rest of the span one pixel at a time, as the reference does
        (local.set $u (f64.add (local.get $u0) (f64.mul (f64.convert_i32_s (local.get $i)) (local.get $du))))
        (local.set $v (f64.add (local.get $v0) (f64.mul (f64.convert_i32_s (local.get $i)) (local.get $dv))))
        (block $fast_done
          (loop $fast
            (br_if $fast_done (i32.ge_s (local.get $i) (local.get $iEnd)))
            (local.set $xi (i32.trunc_sat_f64_s (local.get $u)))
            (local.set $yi (i32.trunc_sat_f64_s (local.get $v)))
            (local.set $fx (f64.sub (local.get $u) (f64.convert_i32_s (local.get $xi))))
            (local.set $fy (f64.sub (local.get $v) (f64.convert_i32_s (local.get $yi))))
            (local.set $o (i32.add (local.get $base) (i32.add (i32.mul (local.get $yi) (local.get $rw)) (local.get $xi))))
            (local.set $p00 (f64.convert_i32_u (i32.load8_u (local.get $o))))
            (local.set $p01 (f64.convert_i32_u (i32.load8_u (i32.add (local.get $o) (local.get $rw)))))
            (local.set $top
              (f64.add (local.get $p00)
                (f64.mul (f64.sub (f64.convert_i32_u (i32.load8_u offset=1 (local.get $o))) (local.get $p00)) (local.get $fx))))
            (local.set $bottom
              (f64.add (local.get $p01)
                (f64.mul
                  (f64.sub (f64.convert_i32_u (i32.load8_u offset=1 (i32.add (local.get $o) (local.get $rw)))) (local.get $p01))
                  (local.get $fx))))
            (local.set $g
              (i32.trunc_sat_f64_s
                (f64.add (f64.add (local.get $top) (f64.mul (f64.sub (local.get $bottom) (local.get $top)) (local.get $fy))) (f64.const 0.5))))
            (i32.store8 (i32.add (local.get $row) (local.get $i)) (local.get $g))
            (local.set $h (i32.shl (local.get $g) (i32.const 2)))
            (i32.store (local.get $h) (i32.add (i32.load (local.get $h)) (i32.const 1)))
            (local.set $u (f64.add (local.get $u) (local.get $du)))
            (local.set $v (f64.add (local.get $v) (local.get $dv)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $fast)))
        ;; the exact path after it
        (if (i32.lt_s (local.get $i) (local.get $iStart)) (then (local.set $i (local.get $iStart))))
        (block $post_done
          (loop $post
            (br_if $post_done (i32.ge_s (local.get $i) (local.get $width)))
            (local.set $g
              (call $slow
                (f64.add (f64.add (local.get $u0) (f64.mul (f64.convert_i32_s (local.get $i)) (local.get $du))) (f64.const 0.5))
                (f64.add (f64.add (local.get $v0) (f64.mul (f64.convert_i32_s (local.get $i)) (local.get $dv))) (f64.const 0.5))))
            (i32.store8 (i32.add (local.get $row) (local.get $i)) (local.get $g))
            (local.set $h (i32.shl (i32.and (local.get $g) (i32.const 255)) (i32.const 2)))
            (i32.store (local.get $h) (i32.add (i32.load (local.get $h)) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $post)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows)))
    ;; the four histograms summed into the first
    (local.set $h (i32.const 0))
    (block $sum_done
      (loop $sum
        (br_if $sum_done (i32.ge_u (local.get $h) (i32.const 1024)))
        (v128.store (local.get $h)
          (i32x4.add
            (i32x4.add (v128.load (local.get $h)) (v128.load offset=1024 (local.get $h)))
            (i32x4.add (v128.load offset=2048 (local.get $h)) (v128.load offset=3072 (local.get $h)))))
        (local.set $h (i32.add (local.get $h) (i32.const 16)))
        (br $sum)))
  )

  ;; maps n snippet bytes at dst through the lookup table at 4096, in place
  (func (export "lut") (param $dst i32) (param $n i32)
    (local $p i32) (local $end i32)
    (local.set $p (local.get $dst))
    (local.set $end (i32.add (local.get $dst) (local.get $n)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (i32.store8 (local.get $p) (i32.load8_u offset=4096 (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $each))))
)
`;
