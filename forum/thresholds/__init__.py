"""Support thresholds that oblige the institution to answer a proposal by a deadline."""
