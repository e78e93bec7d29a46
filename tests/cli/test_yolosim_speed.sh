#!/bin/bash
# yolo-sim's --imgsz (an extension, issue 28): without it the output is the
# reference's test vector exactly; with it, mAP scales with the image and a
# speed line at the end gives the inference time per image, growing with
# the model and with the image's area, which the keyvalue parser stores as
# metrics at the last epoch.
. "$(dirname "$0")/lib.sh"
ref=$(yolo-sim --lr0 0.05 --momentum 0.95 --weight_decay 0.0005 --batch 16 --model n --epochs 3 --seed 7)
check_eq "without --imgsz: the reference's second test vector" "$ref" "epoch 1/3 box_loss=1.7759 cls_loss=2.5571 mAP50=0.1028 mAP50-95=0.0695
epoch 2/3 box_loss=1.6368 cls_loss=2.2312 mAP50=0.1659 mAP50-95=0.1131
epoch 3/3 box_loss=1.5403 cls_loss=2.0378 mAP50=0.2076 mAP50-95=0.1425
done epochs=3 best_epoch=3 best_mAP50-95=0.1425 final_mAP50-95=0.1425"
run() { yolo-sim --lr0 0.05 --momentum 0.95 --weight_decay 0.0005 --batch 16 --epochs 3 --seed 7 "$@"; }
check_eq "--imgsz 640: the same mAP, and a speed line" "$(run --model n --imgsz 640 | grep -v ^speed)" "$ref"
inf() { run "$@" | sed -n 's/^speed epoch=3 .*inference_ms=\([0-9.]*\) .*/\1/p'; }
map() { run "$@" | sed -n 's/^done .*final_mAP50-95=\([0-9.]*\)$/\1/p'; }
check "a larger image: slower" awk -v a="$(inf --model n --imgsz 320)" -v b="$(inf --model n --imgsz 640)" 'BEGIN { exit !(a < b) }'
check "a larger model: slower" awk -v a="$(inf --model n --imgsz 640)" -v b="$(inf --model x --imgsz 640)" 'BEGIN { exit !(a < b) }'
check "a larger image: more mAP" awk -v a="$(map --model n --imgsz 320)" -v b="$(map --model n --imgsz 1280)" 'BEGIN { exit !(a < b) }'
run --model n --imgsz 16 > /dev/null 2> bad.err
check_eq "--imgsz 16: refused, exit 2" "$?" 2
cat > s.yaml <<'Y'
method: grid
metric: {name: mAP50-95, goal: maximize}
parameters:
  model: {values: [n, x]}
  imgsz: {values: [320, 640]}
command: [yolo-sim, "--model=${model}", "--imgsz=${imgsz}", --epochs=3, --seed=1]
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q s.yaml -d s > /dev/null 2>&1
check_eq "a sweep stores the inference time at the last epoch, one per trial" \
    "$(sql s/sweep.db "select count(*) from metrics where name = 'inference_ms' and step = 3")" 4
check_eq "x at 640 is the slowest" \
    "$(sql s/sweep.db "select json_extract(t.params, '$.model') || json_extract(t.params, '$.imgsz') from metrics m join trials t on t.id = m.trial where m.name = 'inference_ms' order by m.value desc limit 1")" x640
finish
