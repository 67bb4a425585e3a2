@ Sleeps in WFI until RTC1 COMPARE0 (64 ticks of 32.768 kHz after START) interrupts it, then stops at BKPT.
@ Checks that a timer event wakes a sleeping core through the NVIC (nRF52840: RTC1 is IRQ 17).
.file "nrf-rtc-wake.s"
.syntax unified
.thumb
.word 0x20001000
.word reset + 1
.fill 31, 4, 0
.word rtc1_handler + 1

.thumb_func
reset:
  ldr r0, =0x40011000      @ RTC1
  movs r1, #64
  str.w r1, [r0, #0x540]   @ CC[0] = 64
  mov.w r1, #0x10000
  str.w r1, [r0, #0x304]   @ INTENSET = COMPARE0
  ldr r2, =0xE000E100      @ NVIC ISER0
  mov.w r1, #0x20000
  str r1, [r2]             @ enable IRQ 17
  movs r1, #1
  str r1, [r0]             @ TASKS_START
loop:
  wfi
  mov.w r3, #0x20000000
  ldr r1, [r3]
  cmp r1, #0
  beq loop
  bkpt #0

.thumb_func
rtc1_handler:
  ldr r0, =0x40011140      @ EVENTS_COMPARE[0]
  movs r1, #0
  str r1, [r0]
  mov.w r3, #0x20000000
  movs r1, #1
  str r1, [r3]             @ the flag the main loop waits for
  bx lr
.ltorg
