"""Inference economics: from GPUs and model architecture to cost per million tokens."""
