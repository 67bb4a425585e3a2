@ Programs the same flash word three times through the NVMC: the nRF52840 allows two writes per word between
@ erases (nWRITE), so the third must stop the machine with a flash-rule error.
.file "nrf-nwrite-budget.s"
.syntax unified
.thumb
.word 0x20001000
.word reset + 1

.thumb_func
reset:
  ldr r0, =0x4001E504      @ NVMC.CONFIG
  movs r1, #1
  str r1, [r0]             @ Wen
  mov.w r2, #0x1000
  movs r3, #0
  str r3, [r2]
  str r3, [r2]
  str r3, [r2]
  b .
.ltorg
