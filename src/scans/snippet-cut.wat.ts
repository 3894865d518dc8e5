// WebAssembly text of the snippet cut (snippet-cutter.ts assembles it once per thread): domain/cut-snippet.ts's
// cutBoxNormalised, the reference, with the resampling and the histogram here. It keeps the reference's structure: per
// row, the columns whose 2×2 neighbourhood lies inside the page (the same span, in the same double arithmetic) take the
// fast path, the others the exact bilinearAt of gray-image.ts (outside the page white paper), operation for operation.
// The fast path does four pixels at a time in fixed point (positions 16.16, interpolation weights 1/2048 of a pixel), so
// its grey levels are within one of the reference's: a position off by under 0.00075 px on each axis (64 steps of a
// rounded 16.16 increment, then the rounding to 1/2048) moves a bilinear value by under 255 × 0.0015 < 0.4 level.
//
// Memory: [0, 1024) the histogram (256 × u32), [1024, 1280) the contrast lookup table, then the snippet, then the
// part of the page under it (rw wide, its top left at page pixel rx, ry: the page pixels outside it are either outside
// the page or never read).

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

  ;; Cuts the snippet (width × height at dst) and counts its grey levels into the histogram at 0.
  ;; The page rectangle (rw wide, its top left at page pixel rx, ry) is at src; the page is sw × sh.
  ;; x0, y0: the snippet's top left in sheet points; inv: points per snippet pixel; a..f: sheet points -> page pixels.
  (func (export "cut")
    (param $srcAt i32) (param $rxv i32) (param $ryv i32) (param $rwv i32) (param $swv i32) (param $shv i32)
    (param $dst i32) (param $width i32) (param $height i32)
    (param $x0 f64) (param $y0 f64) (param $inv f64)
    (param $a f64) (param $b f64) (param $c f64) (param $d f64) (param $e f64) (param $f f64)
    (local $j i32) (local $i i32) (local $row i32) (local $y f64) (local $xs f64) (local $u0 f64) (local $v0 f64)
    (local $du f64) (local $dv f64) (local $u f64) (local $v f64) (local $iStart i32) (local $iEnd i32)
    (local $xi i32) (local $yi i32) (local $fx f64) (local $fy f64) (local $o i32) (local $base i32)
    (local $p00 f64) (local $p01 f64) (local $top f64) (local $bottom f64) (local $g i32) (local $rw i32) (local $h i32)
    (local $gEnd i32) (local $DU v128) (local $DV v128) (local $U v128) (local $V v128) (local $FX v128) (local $FY v128)
    (local $O v128) (local $P v128) (local $Q v128) (local $P0 v128) (local $Q0 v128) (local $TOP v128) (local $BOT v128)
    (local $G v128) (local $Us v128) (local $Vs v128) (local $DU4 v128) (local $DV4 v128)
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
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 1024))
    (local.set $du (f64.mul (local.get $a) (local.get $inv)))
    (local.set $dv (f64.mul (local.get $d) (local.get $inv)))
    (local.set $xs (f64.add (local.get $x0) (f64.mul (f64.const 0.5) (local.get $inv))))
    ;; the four lanes' offsets from a group's first pixel, 16.16
    (local.set $DU
      (i32x4.mul (v128.const i32x4 0 1 2 3)
        (i32x4.splat (i32.trunc_sat_f64_s (f64.nearest (f64.mul (local.get $du) (f64.const 65536)))))))
    (local.set $DV
      (i32x4.mul (v128.const i32x4 0 1 2 3)
        (i32x4.splat (i32.trunc_sat_f64_s (f64.nearest (f64.mul (local.get $dv) (f64.const 65536)))))))
    (local.set $DU4 (i32x4.splat (i32.shl (i32x4.extract_lane 1 (local.get $DU)) (i32.const 2))))
    (local.set $DV4 (i32x4.splat (i32.shl (i32x4.extract_lane 1 (local.get $DV)) (i32.const 2))))
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
        (local.set $row (i32.add (local.get $dst) (i32.mul (local.get $j) (local.get $width))))
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
        ;; The fast path, four pixels at a time: bilinear between pixel centres in fixed point. Each group's position
        ;; comes from the row's start (16.16, no error carried along the row), rounded to 1/2048 pixel: the grey level
        ;; is within a level of the reference's.
        (local.set $gEnd (local.get $i))
        (if (i32.gt_s (local.get $iEnd) (local.get $i))
          (then (local.set $gEnd (i32.add (local.get $i) (i32.and (i32.sub (local.get $iEnd) (local.get $i)) (i32.const -4))))))
        (block $group_done
          (loop $group
            (br_if $group_done (i32.ge_s (local.get $i) (local.get $gEnd)))
            ;; every 16 groups the position afresh from the row's start, in between stepped (16.16: the error stays
            ;; under 2^-11 pixel)
            (if (i32.eqz (i32.and (i32.sub (local.get $i) (local.get $iStart)) (i32.const 63)))
              (then
                (local.set $Us
                  (i32x4.add (local.get $DU)
                    (i32x4.splat
                      (i32.trunc_sat_f64_s
                        (f64.nearest
                          (f64.mul (f64.add (local.get $u0) (f64.mul (f64.convert_i32_s (local.get $i)) (local.get $du))) (f64.const 65536)))))))
                (local.set $Vs
                  (i32x4.add (local.get $DV)
                    (i32x4.splat
                      (i32.trunc_sat_f64_s
                        (f64.nearest
                          (f64.mul (f64.add (local.get $v0) (f64.mul (f64.convert_i32_s (local.get $i)) (local.get $dv))) (f64.const 65536)))))))))
            (local.set $U (local.get $Us))
            (local.set $V (local.get $Vs))
            (local.set $Us (i32x4.add (local.get $Us) (local.get $DU4)))
            (local.set $Vs (i32x4.add (local.get $Vs) (local.get $DV4)))
            (local.set $U (i32x4.shr_s (i32x4.add (local.get $U) (v128.const i32x4 16 16 16 16)) (i32.const 5)))
            (local.set $V (i32x4.shr_s (i32x4.add (local.get $V) (v128.const i32x4 16 16 16 16)) (i32.const 5)))
            (local.set $FX (v128.and (local.get $U) (v128.const i32x4 2047 2047 2047 2047)))
            (local.set $FY (v128.and (local.get $V) (v128.const i32x4 2047 2047 2047 2047)))
            (local.set $O
              (i32x4.add (i32x4.splat (local.get $base))
                (i32x4.add
                  (i32x4.mul (i32x4.shr_s (local.get $V) (i32.const 11)) (i32x4.splat (local.get $rw)))
                  (i32x4.shr_s (local.get $U) (i32.const 11)))))
            ;; each lane's two pixel pairs: low byte the left pixel, high byte the right one
            (local.set $o (i32x4.extract_lane 0 (local.get $O)))
            (local.set $P (i32x4.replace_lane 0 (local.get $P) (i32.load16_u (local.get $o))))
            (local.set $Q (i32x4.replace_lane 0 (local.get $Q) (i32.load16_u (i32.add (local.get $o) (local.get $rw)))))
            (local.set $o (i32x4.extract_lane 1 (local.get $O)))
            (local.set $P (i32x4.replace_lane 1 (local.get $P) (i32.load16_u (local.get $o))))
            (local.set $Q (i32x4.replace_lane 1 (local.get $Q) (i32.load16_u (i32.add (local.get $o) (local.get $rw)))))
            (local.set $o (i32x4.extract_lane 2 (local.get $O)))
            (local.set $P (i32x4.replace_lane 2 (local.get $P) (i32.load16_u (local.get $o))))
            (local.set $Q (i32x4.replace_lane 2 (local.get $Q) (i32.load16_u (i32.add (local.get $o) (local.get $rw)))))
            (local.set $o (i32x4.extract_lane 3 (local.get $O)))
            (local.set $P (i32x4.replace_lane 3 (local.get $P) (i32.load16_u (local.get $o))))
            (local.set $Q (i32x4.replace_lane 3 (local.get $Q) (i32.load16_u (i32.add (local.get $o) (local.get $rw)))))
            (local.set $P0 (v128.and (local.get $P) (v128.const i32x4 255 255 255 255)))
            (local.set $Q0 (v128.and (local.get $Q) (v128.const i32x4 255 255 255 255)))
            (local.set $TOP
              (i32x4.add (i32x4.shl (local.get $P0) (i32.const 11))
                (i32x4.mul (i32x4.sub (i32x4.shr_u (local.get $P) (i32.const 8)) (local.get $P0)) (local.get $FX))))
            (local.set $BOT
              (i32x4.add (i32x4.shl (local.get $Q0) (i32.const 11))
                (i32x4.mul (i32x4.sub (i32x4.shr_u (local.get $Q) (i32.const 8)) (local.get $Q0)) (local.get $FX))))
            ;; at most 255 << 22 before the shift: inside an i32
            (local.set $G
              (i32x4.shr_s
                (i32x4.add
                  (i32x4.add (i32x4.shl (local.get $TOP) (i32.const 11)) (i32x4.mul (i32x4.sub (local.get $BOT) (local.get $TOP)) (local.get $FY)))
                  (v128.const i32x4 0x200000 0x200000 0x200000 0x200000))
                (i32.const 22)))
            (v128.store32_lane 0 (i32.add (local.get $row) (local.get $i))
              (i8x16.narrow_i16x8_u
                (i16x8.narrow_i32x4_u (local.get $G) (local.get $G))
                (i16x8.narrow_i32x4_u (local.get $G) (local.get $G))))
            (local.set $h (i32.shl (i32x4.extract_lane 0 (local.get $G)) (i32.const 2)))
            (i32.store (local.get $h) (i32.add (i32.load (local.get $h)) (i32.const 1)))
            (local.set $h (i32.shl (i32x4.extract_lane 1 (local.get $G)) (i32.const 2)))
            (i32.store (local.get $h) (i32.add (i32.load (local.get $h)) (i32.const 1)))
            (local.set $h (i32.shl (i32x4.extract_lane 2 (local.get $G)) (i32.const 2)))
            (i32.store (local.get $h) (i32.add (i32.load (local.get $h)) (i32.const 1)))
            (local.set $h (i32.shl (i32x4.extract_lane 3 (local.get $G)) (i32.const 2)))
            (i32.store (local.get $h) (i32.add (i32.load (local.get $h)) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
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
  )

  ;; maps n snippet bytes at dst through the lookup table at 1024, in place
  (func (export "lut") (param $dst i32) (param $n i32)
    (local $p i32) (local $end i32)
    (local.set $p (local.get $dst))
    (local.set $end (i32.add (local.get $dst) (local.get $n)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (i32.store8 (local.get $p) (i32.load8_u offset=1024 (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $each))))
)
`;
