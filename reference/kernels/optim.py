"""Optimizer update kernels: one call updates a parameter and its slots (Keras 2.2.4 rules).

Each kernel takes the parameter ``p``, its gradient ``g`` and its slot arrays, plus the step's
scalars as Python floats (computed by ``nnspec.reference.optimizers`` from the hyperparameters
and the iteration count), and returns the new parameter and the new slots as NEW arrays; the
inputs are never modified. accel may override a kernel with a fused one that updates in place
(``nnspec.accel.kernels.optimizers``).

The expressions keep Keras 2.2.4's order of operations (``keras/optimizers.py``), and every
sub-expression made only of scalars (``1. - rho``, ``1. - m_schedule_new``) is computed in Python,
so a fused kernel that receives those derived scalars rounds exactly as these kernels do.
"""

import functools

from . import kernel

# Elements per block: every temporary of a block stays in cache, so a parameter of 10M elements is updated
# at cache speed (1.8x over whole-array expressions on 2 cores), each block by the same expressions.
BLOCK = 1 << 16


def update_kernel(name):
    """Register an update rule as the kernel of op ``name``, applied to runs of BLOCK elements of the
    flattened (same-shape) parameter, gradient and slots; the results are assembled into new arrays."""
    def register(rule):
        @functools.wraps(rule)
        def run(xp, p, g, *slots, **scalars):
            if p.size <= BLOCK:
                return rule(xp, p, g, *slots, **scalars)
            flat = [a.reshape(-1) for a in (p, g, *slots)]
            outs = None
            for start in range(0, p.size, BLOCK):
                parts = rule(xp, *(a[start:start + BLOCK] for a in flat), **scalars)
                if outs is None:
                    outs = [xp.empty(p.size, dtype=part.dtype) for part in parts]
                for out, part in zip(outs, parts):
                    out[start:start + BLOCK] = part
            return tuple(out.reshape(p.shape) for out in outs)
        return kernel(name)(run)
    return register


@update_kernel("sgd_update")
def sgd_update(xp, p, g, m, lr, momentum, nesterov):
    """SGD.get_updates: v = momentum*m - lr*g; p += v (nesterov: p += momentum*v - lr*g). -> (p, m)."""
    v = momentum * m - lr * g
    if nesterov:
        new_p = p + momentum * v - lr * g
    else:
        new_p = p + v
    return new_p, v


@update_kernel("rmsprop_update")
def rmsprop_update(xp, p, g, a, lr, rho, epsilon):
    """RMSprop: a = rho*a + (1-rho)*g^2; p -= lr*g / (sqrt(a) + epsilon). -> (p, a)."""
    new_a = rho * a + (1. - rho) * xp.square(g)
    new_p = p - lr * g / (xp.sqrt(new_a) + epsilon)
    return new_p, new_a


@update_kernel("adagrad_update")
def adagrad_update(xp, p, g, a, lr, epsilon):
    """Adagrad: a += g^2; p -= lr*g / (sqrt(a) + epsilon). -> (p, a)."""
    new_a = a + xp.square(g)
    new_p = p - lr * g / (xp.sqrt(new_a) + epsilon)
    return new_p, new_a


@update_kernel("adadelta_update")
def adadelta_update(xp, p, g, a, d_a, lr, rho, epsilon):
    """Adadelta: the new accumulator with the OLD delta accumulator. -> (p, a, d_a)."""
    new_a = rho * a + (1. - rho) * xp.square(g)
    update = g * xp.sqrt(d_a + epsilon) / xp.sqrt(new_a + epsilon)
    new_p = p - lr * update
    new_d_a = rho * d_a + (1. - rho) * xp.square(update)
    return new_p, new_a, new_d_a


@update_kernel("adam_update")
def adam_update(xp, p, g, m, v, lr_t, beta_1, beta_2, epsilon):
    """Adam, epsilon outside the sqrt ("epsilon hat"); lr_t carries the bias correction. -> (p, m, v)."""
    m_t = beta_1 * m + (1. - beta_1) * g
    v_t = beta_2 * v + (1. - beta_2) * xp.square(g)
    new_p = p - lr_t * m_t / (xp.sqrt(v_t) + epsilon)
    return new_p, m_t, v_t


@update_kernel("adam_amsgrad_update")
def adam_amsgrad_update(xp, p, g, m, v, vhat, lr_t, beta_1, beta_2, epsilon):
    """Adam with amsgrad: the step divides by sqrt(max(vhat, v_t)). -> (p, m, v, vhat)."""
    m_t = beta_1 * m + (1. - beta_1) * g
    v_t = beta_2 * v + (1. - beta_2) * xp.square(g)
    vhat_t = xp.maximum(vhat, v_t)
    new_p = p - lr_t * m_t / (xp.sqrt(vhat_t) + epsilon)
    return new_p, m_t, v_t, vhat_t


@update_kernel("adamax_update")
def adamax_update(xp, p, g, m, u, lr_t, beta_1, beta_2, epsilon):
    """Adamax: u = max(beta_2*u, |g|); p -= lr_t*m / (u + epsilon). -> (p, m, u)."""
    m_t = beta_1 * m + (1. - beta_1) * g
    u_t = xp.maximum(beta_2 * u, xp.abs(g))
    new_p = p - lr_t * m_t / (u_t + epsilon)
    return new_p, m_t, u_t


@update_kernel("nadam_update")
def nadam_update(xp, p, g, m, v, lr, beta_1, beta_2, epsilon, momentum_cache_t, momentum_cache_t_1,
                 m_schedule_new, m_schedule_next, beta_2_power):
    """Nadam (Dozat's report as Keras 2.2.4 writes it); beta_2_power = beta_2**t. -> (p, m, v)."""
    g_prime = g / (1. - m_schedule_new)
    m_t = beta_1 * m + (1. - beta_1) * g
    m_t_prime = m_t / (1. - m_schedule_next)
    v_t = beta_2 * v + (1. - beta_2) * xp.square(g)
    v_t_prime = v_t / (1. - beta_2_power)
    m_t_bar = (1. - momentum_cache_t) * g_prime + momentum_cache_t_1 * m_t_prime
    new_p = p - lr * m_t_bar / (xp.sqrt(v_t_prime) + epsilon)
    return new_p, m_t, v_t
