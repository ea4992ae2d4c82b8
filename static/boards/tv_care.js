/* TV care: burn-in, dimming of unchanged areas, Screen Wake Lock. */
