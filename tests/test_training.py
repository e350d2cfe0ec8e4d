"""The four training steps run on symnn-generated kernels and match hand-written NumPy."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

PATH = Path(__file__).resolve().parent.parent / "examples" / "four_steps.py"
_spec = importlib.util.spec_from_file_location("four_steps", PATH)
four_steps = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(four_steps)


@pytest.fixture(scope="module")
def kernels():
    return four_steps.kernels()


@pytest.mark.parametrize("ours,ref", [
    (four_steps.logistic_symnn, four_steps.logistic_numpy),
    (four_steps.mlp_symnn, four_steps.mlp_numpy),
], ids=["logistic-regression", "one-hidden-layer"])
def test_training_on_generated_kernels_matches_numpy_to_1e_12(kernels, ours, ref):
    """The loss falls, and after every step count the parameters equal NumPy's to 1e-12."""
    x, y = four_steps.dataset()
    params, losses = ours(kernels, x, y)
    expected, ref_losses = ref(x, y)
    assert np.mean(losses[-20:]) < 0.8 * np.mean(losses[:5])
    assert four_steps.largest_difference(params, expected) <= 1e-12
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-12)


def test_a_planted_kernel_error_breaks_the_agreement(kernels):
    """With sigmoid' off by 1e-6 relative, the trained network leaves the 1e-12 band."""
    class Planted:
        def __getattr__(self, name):
            return getattr(kernels, name)

        @staticmethod
        def sigmoid__g__d_z(z):
            return kernels.sigmoid__g__d_z(z) * (1 + 1e-6)

    x, y = four_steps.dataset()
    params, _ = four_steps.mlp_symnn(Planted(), x, y)
    expected, _ = four_steps.mlp_numpy(x, y)
    assert four_steps.largest_difference(params, expected) > 1e-12
