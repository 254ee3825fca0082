"""Optimizer update kernels: one call updates a parameter and its slots (Keras 2.2.4 rules).

Each kernel takes the parameter ``p``, its gradient ``g`` and its slot arrays, plus the step's
scalars as Python floats (computed by ``nnspec.reference.optimizers`` from the hyperparameters
and the iteration count), and returns the new parameter and the new slots as NEW arrays; the
inputs are never modified. accel may override a kernel with a fused one that updates in place
(``nnspec.accel.kernels.optimizers``).

The expressions keep Keras 2.2.4's order of operations (``keras/optimizers.py``), and every
sub-expression made only of scalars (``1. - rho``, ``1. - m_schedule_new``) is computed in Python,
so a fused kernel that receives those derived scalars rounds exactly as these kernels do. Each rule
writes its results into ``out`` with in-place ufuncs (``a *= b`` rounds as ``a * b``): one pass over
memory fewer per temporary, the same numbers as the expression in its docstring.
"""

import functools

from . import kernel

# Elements per block: every temporary of a block stays in cache, so a parameter of 10M elements is updated
# at cache speed (1.8x over whole-array expressions on 2 cores), each block by the same expressions.
BLOCK = 1 << 16


def update_kernel(name):
    """Register an update rule as the kernel of op ``name``. The rule writes the new parameter and slots
    into ``out`` (a tuple of arrays), reading runs of BLOCK elements of the flattened (same-shape)
    parameter, gradient and slots at a time; the kernel returns the filled arrays."""
    def register(rule):
        @functools.wraps(rule)
        def run(xp, p, g, *slots, **scalars):
            dtype = xp.result_type(p, g, *slots)
            outs = tuple(xp.empty(p.shape, dtype=dtype) for _ in range(1 + len(slots)))
            flat = [a.reshape(-1) for a in (p, g, *slots)]
            flat_outs = tuple([out.reshape(-1) for out in outs])  # views: the rule writes into outs
            if p.size <= BLOCK:  # one block (most layers' biases and small kernels): no slices to make
                rule(xp, flat_outs, *flat, **scalars)
                return outs
            for start in range(0, p.size, BLOCK):
                block = slice(start, start + BLOCK)
                rule(xp, tuple([out[block] for out in flat_outs]), *[a[block] for a in flat], **scalars)
            return outs
        return kernel(name)(run)
    return register


@update_kernel("sgd_update")
def sgd_update(xp, out, p, g, m, lr, momentum, nesterov):
    """SGD.get_updates: v = momentum*m - lr*g; p += v (nesterov: p += momentum*v - lr*g). -> (p, m)."""
    new_p, v = out
    lr_g = lr * g
    xp.subtract(xp.multiply(momentum, m, out=v), lr_g, out=v)
    if nesterov:
        xp.add(p, xp.multiply(momentum, v, out=new_p), out=new_p)
        new_p -= lr_g
    else:
        xp.add(p, v, out=new_p)


def _scaled_step(xp, new_p, p, lr, numerator, denominator, epsilon, scratch):
    """new_p = p - lr * numerator / (denominator + epsilon); ``denominator`` is overwritten, ``scratch`` is
    a temporary of the block's shape."""
    denominator += epsilon
    xp.multiply(lr, numerator, out=scratch)
    scratch /= denominator
    xp.subtract(p, scratch, out=new_p)


def _decayed_square(xp, new, decay, old, g, scratch):
    """new = decay*old + (1-decay)*g^2 (the moving average of squared gradients)."""
    xp.multiply(decay, old, out=new)
    xp.square(g, out=scratch)
    scratch *= 1. - decay
    new += scratch


@update_kernel("rmsprop_update")
def rmsprop_update(xp, out, p, g, a, lr, rho, epsilon):
    """RMSprop: a = rho*a + (1-rho)*g^2; p -= lr*g / (sqrt(a) + epsilon). -> (p, a)."""
    new_p, new_a = out
    scratch = xp.empty_like(new_a)
    _decayed_square(xp, new_a, rho, a, g, scratch)
    _scaled_step(xp, new_p, p, lr, g, xp.sqrt(new_a), epsilon, scratch)


@update_kernel("adagrad_update")
def adagrad_update(xp, out, p, g, a, lr, epsilon):
    """Adagrad: a += g^2; p -= lr*g / (sqrt(a) + epsilon). -> (p, a)."""
    new_p, new_a = out
    xp.add(a, xp.square(g, out=new_a), out=new_a)
    _scaled_step(xp, new_p, p, lr, g, xp.sqrt(new_a), epsilon, xp.empty_like(new_a))


@update_kernel("adadelta_update")
def adadelta_update(xp, out, p, g, a, d_a, lr, rho, epsilon):
    """Adadelta: a = rho*a + (1-rho)*g^2; update = g * sqrt(d_a + epsilon) / sqrt(a + epsilon) with the
    OLD delta accumulator; p -= lr*update; d_a = rho*d_a + (1-rho)*update^2. -> (p, a, d_a)."""
    new_p, new_a, new_d_a = out
    scratch = xp.empty_like(new_a)
    _decayed_square(xp, new_a, rho, a, g, scratch)
    update = g * xp.sqrt(d_a + epsilon)
    update /= xp.sqrt(xp.add(new_a, epsilon, out=scratch), out=scratch)
    xp.subtract(p, xp.multiply(lr, update, out=scratch), out=new_p)
    _decayed_square(xp, new_d_a, rho, d_a, update, scratch)


def _momentum(xp, new, beta, old, g):
    """new = beta*old + (1-beta)*g (the moving average of gradients)."""
    xp.multiply(beta, old, out=new)
    new += (1. - beta) * g


@update_kernel("adam_update")
def adam_update(xp, out, p, g, m, v, lr_t, beta_1, beta_2, epsilon):
    """Adam, epsilon outside the sqrt ("epsilon hat"); lr_t carries the bias correction:
    m = beta_1*m + (1-beta_1)*g; v = beta_2*v + (1-beta_2)*g^2; p -= lr_t*m / (sqrt(v) + epsilon).
    -> (p, m, v)."""
    new_p, m_t, v_t = out
    scratch = xp.empty_like(v_t)
    _momentum(xp, m_t, beta_1, m, g)
    _decayed_square(xp, v_t, beta_2, v, g, scratch)
    _scaled_step(xp, new_p, p, lr_t, m_t, xp.sqrt(v_t), epsilon, scratch)


@update_kernel("adam_amsgrad_update")
def adam_amsgrad_update(xp, out, p, g, m, v, vhat, lr_t, beta_1, beta_2, epsilon):
    """Adam with amsgrad: vhat = max(vhat, v); the step divides by sqrt(vhat). -> (p, m, v, vhat)."""
    new_p, m_t, v_t, vhat_t = out
    scratch = xp.empty_like(v_t)
    _momentum(xp, m_t, beta_1, m, g)
    _decayed_square(xp, v_t, beta_2, v, g, scratch)
    xp.maximum(vhat, v_t, out=vhat_t)
    _scaled_step(xp, new_p, p, lr_t, m_t, xp.sqrt(vhat_t), epsilon, scratch)


@update_kernel("adamax_update")
def adamax_update(xp, out, p, g, m, u, lr_t, beta_1, beta_2, epsilon):
    """Adamax: m = beta_1*m + (1-beta_1)*g; u = max(beta_2*u, |g|); p -= lr_t*m / (u + epsilon).
    -> (p, m, u)."""
    new_p, m_t, u_t = out
    _momentum(xp, m_t, beta_1, m, g)
    xp.maximum(xp.multiply(beta_2, u, out=u_t), xp.abs(g), out=u_t)
    _scaled_step(xp, new_p, p, lr_t, m_t, xp.copy(u_t), epsilon, xp.empty_like(u_t))


@update_kernel("nadam_update")
def nadam_update(xp, out, p, g, m, v, lr, beta_1, beta_2, epsilon, momentum_cache_t, momentum_cache_t_1,
                 m_schedule_new, m_schedule_next, beta_2_power):
    """Nadam (Dozat's report as Keras 2.2.4 writes it); beta_2_power = beta_2**t:
    g' = g / (1-m_schedule_new); m = beta_1*m + (1-beta_1)*g; m' = m / (1-m_schedule_next);
    v = beta_2*v + (1-beta_2)*g^2; v' = v / (1-beta_2_power);
    m_bar = (1-momentum_cache_t)*g' + momentum_cache_t_1*m'; p -= lr*m_bar / (sqrt(v') + epsilon). -> (p, m, v)."""
    new_p, m_t, v_t = out
    scratch = xp.empty_like(v_t)
    _momentum(xp, m_t, beta_1, m, g)
    _decayed_square(xp, v_t, beta_2, v, g, scratch)
    m_bar = xp.divide(g, 1. - m_schedule_new)
    m_bar *= 1. - momentum_cache_t
    xp.divide(m_t, 1. - m_schedule_next, out=scratch)
    scratch *= momentum_cache_t_1
    m_bar += scratch
    denominator = xp.divide(v_t, 1. - beta_2_power)
    _scaled_step(xp, new_p, p, lr, m_bar, xp.sqrt(denominator, out=denominator), epsilon, scratch)
