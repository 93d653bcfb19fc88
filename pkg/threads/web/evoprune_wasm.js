/* @ts-self-types="./evoprune_wasm.d.ts" */

/**
 * A length-fixed `f32` array owned by wasm. Free it with `free()`.
 */
export class F32Buffer {
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        F32BufferFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_f32buffer_free(ptr, 0);
    }
    /**
     * Fills with `lo + (hi − lo)·u` from the evoprune PRNG stream `(seed, stream)`.
     * @param {bigint} seed
     * @param {bigint} stream
     * @param {number} lo
     * @param {number} hi
     */
    fill_uniform(seed, stream, lo, hi) {
        wasm.f32buffer_fill_uniform(this.__wbg_ptr, seed, stream, lo, hi);
    }
    /**
     * @returns {boolean}
     */
    is_empty() {
        const ret = wasm.f32buffer_is_empty(this.__wbg_ptr);
        return ret !== 0;
    }
    /**
     * @returns {number}
     */
    len() {
        const ret = wasm.f32buffer_len(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * @param {number} len
     */
    constructor(len) {
        const ret = wasm.f32buffer_new(len);
        this.__wbg_ptr = ret;
        F32BufferFinalization.register(this, this.__wbg_ptr, this);
        return this;
    }
    /**
     * Byte offset of the first element in `wasm_memory()`.
     * @returns {number}
     */
    ptr() {
        const ret = wasm.f32buffer_ptr(this.__wbg_ptr);
        return ret >>> 0;
    }
}
if (Symbol.dispose) F32Buffer.prototype[Symbol.dispose] = F32Buffer.prototype.free;

export class Model {
    static __wrap(ptr) {
        const obj = Object.create(Model.prototype);
        obj.__wbg_ptr = ptr;
        ModelFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        ModelFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_model_free(ptr, 0);
    }
    /**
     * Living populations per hidden layer.
     * @returns {Uint32Array}
     */
    alive() {
        const ret = wasm.model_alive(this.__wbg_ptr);
        var v1 = getArrayU32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v1;
    }
    /**
     * The physically smaller plain MLP (extinct/pruned populations removed, masses folded).
     * @returns {Model}
     */
    compact() {
        const ret = wasm.model_compact(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Model.__wrap(ret[0]);
    }
    /**
     * `[loss, correct, rows, …confusion]` on byte images.
     * @param {Uint8Array | number[]} images
     * @param {Uint8Array | number[]} labels
     * @returns {Float64Array}
     */
    evaluate(images, labels) {
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passArray8ToWasm0(images, wasm.__wbindgen_malloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passArray8ToWasm0(labels, wasm.__wbindgen_malloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.model_evaluate(this.__wbg_ptr, ptr0, len0, ptr1, len1);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v3 = getArrayF64FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 8, 8);
        return v3;
    }
    /**
     * `[loss, correct, rows, …confusion]` on f32 feature rows (raw: the model applies its
     * standardization).
     * @param {Float32Array | number[]} features
     * @param {Uint8Array | number[]} labels
     * @returns {Float64Array}
     */
    evaluate_features(features, labels) {
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passArrayF32ToWasm0(features, wasm.__wbindgen_malloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passArray8ToWasm0(labels, wasm.__wbindgen_malloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 4, 4); }
            throw e;
        }
        const ret = wasm.model_evaluate_features(this.__wbg_ptr, ptr0, len0, ptr1, len1);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v3 = getArrayF64FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 8, 8);
        return v3;
    }
    /**
     * Reads bytes written by `to_bytes`.
     * @param {Uint8Array | number[]} bytes
     * @returns {Model}
     */
    static from_bytes(bytes) {
        const ptr0 = passArray8ToWasm0(bytes, wasm.__wbindgen_malloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.model_from_bytes(ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Model.__wrap(ret[0]);
    }
    /**
     * Runs the forward pass over `rows` images in batches of `batch` (at most 256) and returns
     * the sum of all logits: for timing inference without copying results out.
     * @param {Uint8Array | number[]} images
     * @param {number} rows
     * @param {number} batch
     * @returns {number}
     */
    infer(images, rows, batch) {
        const val2 = +rows;
        const val3 = +batch;
        const ptr0 = passArray8ToWasm0(images, wasm.__wbindgen_malloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.model_infer(this.__wbg_ptr, ptr0, len0, val2, val3);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return ret[0];
    }
    /**
     * `infer` on f32 feature rows.
     * @param {Float32Array | number[]} features
     * @param {number} rows
     * @param {number} batch
     * @returns {number}
     */
    infer_features(features, rows, batch) {
        const val2 = +rows;
        const val3 = +batch;
        const ptr0 = passArrayF32ToWasm0(features, wasm.__wbindgen_malloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.model_infer_features(this.__wbg_ptr, ptr0, len0, val2, val3);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return ret[0];
    }
    /**
     * Logits of `rows` byte images (`rows × classes`).
     * @param {Uint8Array | number[]} images
     * @param {number} rows
     * @returns {Float32Array}
     */
    logits(images, rows) {
        const val2 = +rows;
        const ptr0 = passArray8ToWasm0(images, wasm.__wbindgen_malloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.model_logits(this.__wbg_ptr, ptr0, len0, val2);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v3 = getArrayF32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v3;
    }
    /**
     * Logits of `rows` f32 feature rows (`rows × classes`).
     * @param {Float32Array | number[]} features
     * @param {number} rows
     * @returns {Float32Array}
     */
    logits_features(features, rows) {
        const val2 = +rows;
        const ptr0 = passArrayF32ToWasm0(features, wasm.__wbindgen_malloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.model_logits_features(this.__wbg_ptr, ptr0, len0, val2);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v3 = getArrayF32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v3;
    }
    /**
     * @param {number} layer
     * @returns {Float32Array}
     */
    masses(layer) {
        const ret = wasm.model_masses(this.__wbg_ptr, layer);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v1 = getArrayF32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v1;
    }
    /**
     * @returns {number}
     */
    parameter_count() {
        const ret = wasm.model_parameter_count(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * The predicted class (argmax of the logits, the first on ties) of `rows` byte images.
     * @param {Uint8Array | number[]} images
     * @param {number} rows
     * @returns {Uint32Array}
     */
    predict(images, rows) {
        const val2 = +rows;
        const ptr0 = passArray8ToWasm0(images, wasm.__wbindgen_malloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.model_predict(this.__wbg_ptr, ptr0, len0, val2);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v3 = getArrayU32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v3;
    }
    /**
     * The predicted class of `rows` f32 feature rows.
     * @param {Float32Array | number[]} features
     * @param {number} rows
     * @returns {Uint32Array}
     */
    predict_features(features, rows) {
        const val2 = +rows;
        const ptr0 = passArrayF32ToWasm0(features, wasm.__wbindgen_malloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.model_predict_features(this.__wbg_ptr, ptr0, len0, val2);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v3 = getArrayU32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v3;
    }
    /**
     * This model with `fraction` of its hidden populations removed (mass 0), ranked by `score`
     * (`mass`, `magnitude` or `random` with `seed`; participation needs the trainer), globally
     * (`scope` = "global") or per layer ("layer").
     * @param {string} score
     * @param {number} fraction
     * @param {string} scope
     * @param {number} seed
     * @returns {Model}
     */
    pruned(score, fraction, scope, seed) {
        const val3 = +fraction;
        const val4 = +seed;
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(score, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(scope, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.model_pruned(this.__wbg_ptr, ptr0, len0, val3, ptr1, len1, val4);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Model.__wrap(ret[0]);
    }
    /**
     * `[inputs, hidden…, classes]`.
     * @returns {Uint32Array}
     */
    sizes() {
        const ret = wasm.model_sizes(this.__wbg_ptr);
        var v1 = getArrayU32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v1;
    }
    /**
     * The input standardization the model carries: `[…shift, …scale]` (one of each per input),
     * or empty when it has none.
     * @returns {Float32Array}
     */
    standardization() {
        const ret = wasm.model_standardization(this.__wbg_ptr);
        var v1 = getArrayF32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v1;
    }
    /**
     * @returns {Uint8Array}
     */
    to_bytes() {
        const ret = wasm.model_to_bytes(this.__wbg_ptr);
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
}
if (Symbol.dispose) Model.prototype[Symbol.dispose] = Model.prototype.free;

export class Trainer {
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        TrainerFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_trainer_free(ptr, 0);
    }
    /**
     * Living populations (mass > 0) per hidden layer.
     * @returns {Uint32Array}
     */
    alive() {
        const ret = wasm.trainer_alive(this.__wbg_ptr);
        var v1 = getArrayU32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v1;
    }
    /**
     * @returns {number}
     */
    batches_per_epoch() {
        const ret = wasm.trainer_batches_per_epoch(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * SHA-256 of every setting the trainer was built from (recorded beside a saved state).
     * @returns {string}
     */
    config_fingerprint() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.trainer_config_fingerprint(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * @returns {number}
     */
    cursor() {
        const ret = wasm.trainer_cursor(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * @returns {number}
     */
    epoch() {
        const ret = wasm.trainer_epoch(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * This epoch's training figures so far: `[loss sum, batches, correct, rows, living work]`
     * (the last: the sum over its steps of the living network's share of the multiply-adds).
     * @returns {Float64Array}
     */
    epoch_progress() {
        const ret = wasm.trainer_epoch_progress(this.__wbg_ptr);
        var v1 = getArrayF64FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 8, 8);
        return v1;
    }
    /**
     * The last standardised fitness F̃ of hidden layer `layer` (0 for extinct populations).
     * The selection strength η of each hidden layer's last update under numerics version 2 (the
     * controller's, with a target sparsity); empty under version 1.
     * @returns {Float64Array}
     */
    eta() {
        const ret = wasm.trainer_eta(this.__wbg_ptr);
        var v1 = getArrayF64FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 8, 8);
        return v1;
    }
    /**
     * `[loss, correct, rows, …confusion (classes × classes, row = label)]`.
     * @param {string} split
     * @returns {Float64Array}
     */
    evaluate(split) {
        const ptr0 = passStringToWasm0(split, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.trainer_evaluate(this.__wbg_ptr, ptr0, len0);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v2 = getArrayF64FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 8, 8);
        return v2;
    }
    /**
     * @param {number} layer
     * @returns {Float32Array}
     */
    fitness(layer) {
        const ret = wasm.trainer_fitness(this.__wbg_ptr, layer);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v1 = getArrayF32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v1;
    }
    /**
     * `[loss, …∂loss/∂θ]` of one batch, θ in the order of `parameters()`; changes nothing.
     * @param {Uint8Array | number[]} images
     * @param {Uint8Array | number[]} labels
     * @returns {Float32Array}
     */
    gradients(images, labels) {
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passArray8ToWasm0(images, wasm.__wbindgen_malloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passArray8ToWasm0(labels, wasm.__wbindgen_malloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.trainer_gradients(this.__wbg_ptr, ptr0, len0, ptr1, len1);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v3 = getArrayF32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v3;
    }
    /**
     * Restores `state()` bytes; with `fingerprint` (a checkpoint's `config_fingerprint()`),
     * first refuses a state taken under another configuration.
     * @param {Uint8Array | number[]} bytes
     * @param {string | null} [fingerprint]
     */
    load_state(bytes, fingerprint) {
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passArray8ToWasm0(bytes, wasm.__wbindgen_malloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = isLikeNone(fingerprint) ? 0 : passStringToWasm0(fingerprint, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.trainer_load_state(this.__wbg_ptr, ptr0, len0, ptr1, len1);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * Masses of hidden layer `layer`.
     * @param {number} layer
     * @returns {Float32Array}
     */
    masses(layer) {
        const ret = wasm.trainer_masses(this.__wbg_ptr, layer);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v1 = getArrayF32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v1;
    }
    /**
     * A copy of the current model.
     * @returns {Model}
     */
    model() {
        const ret = wasm.trainer_model(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Model.__wrap(ret[0]);
    }
    /**
     * `config` is JSON: `{ sizes, seed, batch, optimizer: { kind: "sgd", lr, momentum,
     * weightDecay? } | { kind: "adam", lr, beta1, beta2, eps, weightDecay? }, schedule?:
     * { kind: "constant" } | { kind: "cosine", epochs }, initialMass?, evolution?: { fitness,
     * dynamic, eta, mu?, rho, epsilon, interval, warmup?, anneal? }, participation?: { alpha,
     * beta, gamma, lr } }`. Without `initialMass` the masses start at the dynamic's default
     * (`registry()`: 1, or 0.9 for `logistic`); `standardize?` (default false) fits a per-feature
     * standardization on the training rows when they are set.
     * @param {string} config
     */
    constructor(config) {
        const ptr0 = passStringToWasm0(config, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.trainer_new(ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        this.__wbg_ptr = ret[0];
        TrainerFinalization.register(this, this.__wbg_ptr, this);
        return this;
    }
    /**
     * Per layer W (inputs × outputs, row-major), b, then m for hidden layers.
     * @returns {Float32Array}
     */
    parameters() {
        const ret = wasm.trainer_parameters(this.__wbg_ptr);
        var v1 = getArrayF32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v1;
    }
    /**
     * Participation variables of hidden layer `layer` (empty unless tracked).
     * @param {number} layer
     * @returns {Float32Array}
     */
    participation(layer) {
        const ret = wasm.trainer_participation(this.__wbg_ptr, layer);
        var v1 = getArrayF32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v1;
    }
    /**
     * The current model with `fraction` of its hidden populations removed (mass set to 0),
     * ranked by `score` (mass, magnitude, random, participation) globally or per layer.
     * @param {string} score
     * @param {number} fraction
     * @param {string} scope
     * @returns {Model}
     */
    pruned(score, fraction, scope) {
        const val3 = +fraction;
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(score, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(scope, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.trainer_pruned(this.__wbg_ptr, ptr0, len0, val3, ptr1, len1);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Model.__wrap(ret[0]);
    }
    /**
     * Trains up to `max_batches` batches, stopping at the end of an epoch; returns how many ran.
     * @param {number} max_batches
     * @returns {number}
     */
    run(max_batches) {
        const ret = wasm.trainer_run(this.__wbg_ptr, max_batches);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return ret[0] >>> 0;
    }
    /**
     * Computes on a compacted copy once populations are extinct for good (on by default), or
     * always on the full model: the state, its hash and the model are the same either way.
     * @param {boolean} on
     */
    set_compaction(on) {
        wasm.trainer_set_compaction(this.__wbg_ptr, on);
    }
    /**
     * Copies a byte image set into wasm memory (once) as `split` (`train`, `validation` or
     * `test`): `rows` images of `cols` bytes each.
     * @param {string} split
     * @param {Uint8Array | number[]} images
     * @param {Uint8Array | number[]} labels
     * @param {number} rows
     * @param {number} cols
     */
    set_data(split, images, labels, rows, cols) {
        const val4 = +rows;
        const val5 = +cols;
        let ptr0, len0, ptr1, len1, ptr2, len2;
        try {
            ptr0 = passStringToWasm0(split, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passArray8ToWasm0(images, wasm.__wbindgen_malloc);
            len1 = WASM_VECTOR_LEN;
            ptr2 = passArray8ToWasm0(labels, wasm.__wbindgen_malloc);
            len2 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr2) { wasm.__wbindgen_free(ptr2, len2 * 1, 1); }
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.trainer_set_data(this.__wbg_ptr, ptr0, len0, ptr1, len1, ptr2, len2, val4, val5);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * Restores an epoch's figures when resuming mid-epoch (from a checkpoint's header).
     * @param {number} loss_sum
     * @param {number} batches
     * @param {number} correct
     * @param {number} rows
     * @param {number | null} [living_work]
     */
    set_epoch_progress(loss_sum, batches, correct, rows, living_work) {
        wasm.trainer_set_epoch_progress(this.__wbg_ptr, loss_sum, batches, correct, rows, !isLikeNone(living_work), isLikeNone(living_work) ? 0 : living_work);
    }
    /**
     * Copies an f32 feature set into wasm memory (once) as `split`: `rows` rows of `cols`
     * features each, every one finite.
     * @param {string} split
     * @param {Float32Array | number[]} features
     * @param {Uint8Array | number[]} labels
     * @param {number} rows
     * @param {number} cols
     */
    set_features(split, features, labels, rows, cols) {
        const val4 = +rows;
        const val5 = +cols;
        let ptr0, len0, ptr1, len1, ptr2, len2;
        try {
            ptr0 = passStringToWasm0(split, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passArrayF32ToWasm0(features, wasm.__wbindgen_malloc);
            len1 = WASM_VECTOR_LEN;
            ptr2 = passArray8ToWasm0(labels, wasm.__wbindgen_malloc);
            len2 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr2) { wasm.__wbindgen_free(ptr2, len2 * 1, 1); }
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 4, 4); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.trainer_set_features(this.__wbg_ptr, ptr0, len0, ptr1, len1, ptr2, len2, val4, val5);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * @param {Float32Array | number[]} values
     */
    set_parameters(values) {
        const ptr0 = passArrayF32ToWasm0(values, wasm.__wbindgen_malloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.trainer_set_parameters(this.__wbg_ptr, ptr0, len0);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * @returns {Uint8Array}
     */
    state() {
        const ret = wasm.trainer_state(this.__wbg_ptr);
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
    /**
     * @returns {string}
     */
    state_hash() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.trainer_state_hash(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * @returns {number}
     */
    step() {
        const ret = wasm.trainer_step(this.__wbg_ptr);
        return ret;
    }
    /**
     * Mean training loss of the batches since the last call (NaN if none).
     * @returns {number}
     */
    take_train_loss() {
        const ret = wasm.trainer_take_train_loss(this.__wbg_ptr);
        return ret;
    }
    /**
     * Populations per hidden layer the trainer computes on now (all of them without compaction).
     * @returns {Uint32Array}
     */
    working_widths() {
        const ret = wasm.trainer_working_widths(this.__wbg_ptr);
        var v1 = getArrayU32FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v1;
    }
}
if (Symbol.dispose) Trainer.prototype[Symbol.dispose] = Trainer.prototype.free;

/**
 * @param {number} rows
 * @param {number} cols
 * @param {F32Buffer} x
 * @param {F32Buffer} bias
 */
export function bias_add(rows, cols, x, bias) {
    _assertClass(x, F32Buffer);
    _assertClass(bias, F32Buffer);
    const ret = wasm.bias_add(rows, cols, x.__wbg_ptr, bias.__wbg_ptr);
    if (ret[1]) {
        throw takeFromExternrefTable0(ret[0]);
    }
}

/**
 * @param {number} rows
 * @param {number} cols
 * @param {F32Buffer} x
 * @param {F32Buffer} out
 * @param {boolean} accumulate
 */
export function column_sums(rows, cols, x, out, accumulate) {
    _assertClass(x, F32Buffer);
    _assertClass(out, F32Buffer);
    const ret = wasm.column_sums(rows, cols, x.__wbg_ptr, out.__wbg_ptr, accumulate);
    if (ret[1]) {
        throw takeFromExternrefTable0(ret[0]);
    }
}

/**
 * One evolution step of a single layer, for tests and tools: `config` is the `evolution` JSON of
 * the trainer; returns `[…masses, …smoothed F, …standardised F̃]` after optimizer step `step`.
 * @param {string} config
 * @param {number} step
 * @param {Float32Array | number[]} masses
 * @param {Float32Array | number[]} mass_grads
 * @param {Float32Array | number[]} smoothed
 * @returns {Float32Array}
 */
export function evolution_step(config, step, masses, mass_grads, smoothed) {
    const val5 = +step;
    let ptr0, len0, ptr1, len1, ptr2, len2, ptr3, len3;
    try {
        ptr0 = passStringToWasm0(config, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        len0 = WASM_VECTOR_LEN;
        ptr1 = passArrayF32ToWasm0(masses, wasm.__wbindgen_malloc);
        len1 = WASM_VECTOR_LEN;
        ptr2 = passArrayF32ToWasm0(mass_grads, wasm.__wbindgen_malloc);
        len2 = WASM_VECTOR_LEN;
        ptr3 = passArrayF32ToWasm0(smoothed, wasm.__wbindgen_malloc);
        len3 = WASM_VECTOR_LEN;
    } catch (e) {
        if (ptr3) { wasm.__wbindgen_free(ptr3, len3 * 4, 4); }
        if (ptr2) { wasm.__wbindgen_free(ptr2, len2 * 4, 4); }
        if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 4, 4); }
        if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
        throw e;
    }
    const ret = wasm.evolution_step(ptr0, len0, val5, ptr1, len1, ptr2, len2, ptr3, len3);
    if (ret[3]) {
        throw takeFromExternrefTable0(ret[2]);
    }
    var v6 = getArrayF32FromWasm0(ret[0], ret[1]).slice();
    wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
    return v6;
}

/**
 * `C (m×n) (+)= op(A)·op(B)`; `op` is `"nn"` (A·B), `"tn"` (Aᵀ·B) or `"nt"` (A·Bᵀ). (The
 * JavaScript signature keeps its eight arguments; the core takes a `Product` descriptor.)
 * @param {string} op
 * @param {number} m
 * @param {number} n
 * @param {number} kdim
 * @param {F32Buffer} a
 * @param {F32Buffer} b
 * @param {F32Buffer} c
 * @param {boolean} accumulate
 */
export function gemm(op, m, n, kdim, a, b, c, accumulate) {
    _assertClass(a, F32Buffer);
    _assertClass(b, F32Buffer);
    _assertClass(c, F32Buffer);
    const val2 = +m;
    const val3 = +n;
    const val4 = +kdim;
    const val5 = +accumulate;
    const ptr0 = passStringToWasm0(op, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.gemm(ptr0, len0, val2, val3, val4, a.__wbg_ptr, b.__wbg_ptr, c.__wbg_ptr, val5);
    if (ret[1]) {
        throw takeFromExternrefTable0(ret[0]);
    }
}

/**
 * The registry of dynamics, fitness modes, pruning scores and scopes, as JSON (see
 * `registry.rs`): the one source of these names for TypeScript.
 * @returns {string}
 */
export function registry() {
    let deferred1_0;
    let deferred1_1;
    try {
        const ret = wasm.registry();
        deferred1_0 = ret[0];
        deferred1_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
    } finally {
        wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
    }
}

/**
 * @param {F32Buffer} x
 */
export function relu(x) {
    _assertClass(x, F32Buffer);
    wasm.relu(x.__wbg_ptr);
}

/**
 * @param {F32Buffer} activation
 * @param {F32Buffer} grad
 */
export function relu_backward(activation, grad) {
    _assertClass(activation, F32Buffer);
    _assertClass(grad, F32Buffer);
    const ret = wasm.relu_backward(activation.__wbg_ptr, grad.__wbg_ptr);
    if (ret[1]) {
        throw takeFromExternrefTable0(ret[0]);
    }
}

/**
 * Mean softmax cross-entropy; writes the gradient of the mean loss into `grad`.
 * @param {number} rows
 * @param {number} classes
 * @param {F32Buffer} logits
 * @param {Uint8Array | number[]} labels
 * @param {F32Buffer} grad
 * @returns {number}
 */
export function softmax_cross_entropy(rows, classes, logits, labels, grad) {
    _assertClass(logits, F32Buffer);
    _assertClass(grad, F32Buffer);
    const val2 = +rows;
    const val3 = +classes;
    const ptr0 = passArray8ToWasm0(labels, wasm.__wbindgen_malloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.softmax_cross_entropy(val2, val3, logits.__wbg_ptr, ptr0, len0, grad.__wbg_ptr);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return ret[0];
}

/**
 * Threads the pool runs regions on: its workers plus the calling thread (1 in the
 * single-threaded build, or before workers have started).
 * @returns {number}
 */
export function thread_count() {
    const ret = wasm.thread_count();
    return ret >>> 0;
}

/**
 * Called by a pool worker's JavaScript when its loop trapped (see `threads::abandon`).
 */
export function thread_pool_abandon() {
    wasm.thread_pool_abandon();
}

/**
 * Opens `regions` empty parallel regions on every thread: what a region itself costs (publish,
 * wake, join), timed by the caller (`npm run bench:threads`).
 * @param {number} regions
 */
export function thread_pool_empty_regions(regions) {
    wasm.thread_pool_empty_regions(regions);
}

/**
 * A worker's entry (threaded build): a JavaScript worker that instantiated this module on the
 * shared memory calls it, and it runs its share of every parallel region, forever.
 */
export function thread_pool_worker() {
    wasm.thread_pool_worker();
}

/**
 * Parts of parallel regions each thread has run (index 0 is the calling thread): a test can see
 * that every thread worked, so a silent single-threaded fallback cannot pass for threads.
 * @returns {Float64Array}
 */
export function thread_work() {
    const ret = wasm.thread_work();
    var v1 = getArrayF64FromWasm0(ret[0], ret[1]).slice();
    wasm.__wbindgen_free(ret[0], ret[1] * 8, 8);
    return v1;
}

/**
 * Whether this is the threaded build (shared memory, a pool of workers): kernels compiled with
 * the `atomics` target feature.
 * @returns {boolean}
 */
export function threaded_build() {
    const ret = wasm.threaded_build();
    return ret !== 0;
}

/**
 * Checks a trainer configuration (every range, and the memory it needs with `train_rows`
 * training rows and `eval_rows` validation and test rows of `value_bytes`-byte values: 1 for
 * byte images, the default, or 4 for f32 features) before any data is copied in; returns the
 * bytes it needs.
 * @param {string} config
 * @param {number} train_rows
 * @param {number} eval_rows
 * @param {number | null} [value_bytes]
 * @returns {number}
 */
export function trainer_memory_check(config, train_rows, eval_rows, value_bytes) {
    const val2 = +train_rows;
    const val3 = +eval_rows;
    const val4 = +(isLikeNone(value_bytes) ? Number.MAX_SAFE_INTEGER : (value_bytes) >>> 0);
    const ptr0 = passStringToWasm0(config, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.trainer_memory_check(ptr0, len0, val2, val3, val4);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return ret[0];
}

/**
 * The module's linear memory, for typed-array views over buffers (rebuild them after growth).
 * @returns {any}
 */
export function wasm_memory() {
    const ret = wasm.wasm_memory();
    return ret;
}
function __wbg_get_imports(memory) {
    const import0 = {
        __proto__: null,
        __wbg___wbindgen_memory_17a1178bc3328ea3: function() {
            const ret = wasm.memory;
            return ret;
        },
        __wbg___wbindgen_throw_4c88d8bf264fd984: function(arg0, arg1) {
            throw new Error(getStringFromWasm0(arg0, arg1));
        },
        __wbg_new_787b9fb330d55d78: function(arg0, arg1) {
            const ret = new Error(getStringFromWasm0(arg0, arg1));
            return ret;
        },
        __wbg_set_2793479888329cb6: function() { return handleError(function (arg0, arg1, arg2) {
            const ret = Reflect.set(arg0, arg1, arg2);
            return ret;
        }, arguments); },
        __wbg_set_name_822e3903f3184979: function(arg0, arg1, arg2) {
            arg0.name = getStringFromWasm0(arg1, arg2);
        },
        __wbindgen_generic_0000000000000001: function(arg0, arg1) {
            // Cast intrinsic for `Ref(String) -> Externref`.
            const ret = getStringFromWasm0(arg0, arg1);
            return ret;
        },
        __wbindgen_init_externref_table: function() {
            const table = wasm.__wbindgen_externrefs;
            table.set(0, undefined);
            table.set(1024, undefined);
            table.set(1025, null);
            table.set(1026, true);
            table.set(1027, false);
        },
        memory: memory || new WebAssembly.Memory({initial:18,maximum:65536,shared:true}),
    };
    return {
        __proto__: null,
        "./evoprune_wasm_bg.js": import0,
    };
}

const F32BufferFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_f32buffer_free(ptr, 1));
const ModelFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_model_free(ptr, 1));
const TrainerFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_trainer_free(ptr, 1));

function addToExternrefTable0(obj) {
    const idx = wasm.__externref_table_alloc();
    wasm.__wbindgen_externrefs.set(idx, obj);
    return idx;
}

function _assertClass(instance, klass) {
    if (!(instance instanceof klass)) {
        throw new Error(`expected instance of ${klass.name}`);
    }
}

function getArrayF32FromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return getFloat32ArrayMemory0().subarray(ptr / 4, ptr / 4 + len);
}

function getArrayF64FromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return getFloat64ArrayMemory0().subarray(ptr / 8, ptr / 8 + len);
}

function getArrayU32FromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return getUint32ArrayMemory0().subarray(ptr / 4, ptr / 4 + len);
}

function getArrayU8FromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return getUint8ArrayMemory0().subarray(ptr / 1, ptr / 1 + len);
}

let cachedFloat32ArrayMemory0 = null;
function getFloat32ArrayMemory0() {
    if (cachedFloat32ArrayMemory0 === null || cachedFloat32ArrayMemory0.buffer !== wasm.memory.buffer) {
        cachedFloat32ArrayMemory0 = new Float32Array(wasm.memory.buffer);
    }
    return cachedFloat32ArrayMemory0;
}

let cachedFloat64ArrayMemory0 = null;
function getFloat64ArrayMemory0() {
    if (cachedFloat64ArrayMemory0 === null || cachedFloat64ArrayMemory0.buffer !== wasm.memory.buffer) {
        cachedFloat64ArrayMemory0 = new Float64Array(wasm.memory.buffer);
    }
    return cachedFloat64ArrayMemory0;
}

function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}

let cachedUint32ArrayMemory0 = null;
function getUint32ArrayMemory0() {
    if (cachedUint32ArrayMemory0 === null || cachedUint32ArrayMemory0.buffer !== wasm.memory.buffer) {
        cachedUint32ArrayMemory0 = new Uint32Array(wasm.memory.buffer);
    }
    return cachedUint32ArrayMemory0;
}

let cachedUint8ArrayMemory0 = null;
function getUint8ArrayMemory0() {
    if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.buffer !== wasm.memory.buffer) {
        cachedUint8ArrayMemory0 = new Uint8Array(wasm.memory.buffer);
    }
    return cachedUint8ArrayMemory0;
}

function handleError(f, args) {
    try {
        return f.apply(this, args);
    } catch (e) {
        const idx = addToExternrefTable0(e);
        wasm.__wbindgen_exn_store(idx);
    }
}

function isLikeNone(x) {
    return x === undefined || x === null;
}

function passArray8ToWasm0(arg, malloc) {
    const ptr = malloc(arg.length * 1, 1) >>> 0;
    getUint8ArrayMemory0().set(arg, ptr / 1);
    WASM_VECTOR_LEN = arg.length;
    return ptr;
}

function passArrayF32ToWasm0(arg, malloc) {
    const ptr = malloc(arg.length * 4, 4) >>> 0;
    getFloat32ArrayMemory0().set(arg, ptr / 4);
    WASM_VECTOR_LEN = arg.length;
    return ptr;
}

function passStringToWasm0(arg, malloc, realloc) {
    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }

    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;

    const mem = getUint8ArrayMemory0();

    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {
        if (offset !== 0) {
            arg = arg.slice(offset);
        }
        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
        const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
        const ret = cachedTextEncoder.encodeInto(arg, view);

        offset += ret.written;
        ptr = realloc(ptr, len, offset, 1) >>> 0;
    }

    WASM_VECTOR_LEN = offset;
    return ptr;
}

function takeFromExternrefTable0(idx) {
    const value = wasm.__wbindgen_externrefs.get(idx);
    wasm.__externref_table_dealloc(idx);
    return value;
}

let cachedTextDecoder = (typeof TextDecoder !== 'undefined' ? new TextDecoder('utf-8', { ignoreBOM: true }) : undefined);
if (cachedTextDecoder) cachedTextDecoder.decode();

const MAX_SAFARI_DECODE_BYTES = 2146435072;
let numBytesDecoded = 0;
function decodeText(bytes) {
    numBytesDecoded += bytes.length;
    if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {
        cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
        cachedTextDecoder.decode();
        numBytesDecoded = bytes.length;
    }
    return cachedTextDecoder.decode(bytes.slice());
}

const cachedTextEncoder = (typeof TextEncoder !== 'undefined' ? new TextEncoder() : undefined);

if (cachedTextEncoder) {
    cachedTextEncoder.encodeInto = function (arg, view) {
        const buf = cachedTextEncoder.encode(arg);
        view.set(buf);
        return {
            read: arg.length,
            written: buf.length
        };
    };
}

let WASM_VECTOR_LEN = 0;

let wasmModule, wasmInstance, wasm;
function __wbg_finalize_init(instance, module, thread_stack_size) {
    wasmInstance = instance;
    wasm = instance.exports;
    wasmModule = module;
    cachedFloat32ArrayMemory0 = null;
    cachedFloat64ArrayMemory0 = null;
    cachedUint32ArrayMemory0 = null;
    cachedUint8ArrayMemory0 = null;
    if (typeof thread_stack_size !== 'undefined' && (typeof thread_stack_size !== 'number' || thread_stack_size === 0 || thread_stack_size % 65536 !== 0)) {
        throw new Error('invalid stack size');
    }

    wasm.__wbindgen_start(thread_stack_size);
    return wasm;
}

async function __wbg_load(module, imports) {
    if (typeof Response === 'function' && module instanceof Response) {
        if (!module.ok) {
            throw new Error(`failed to fetch Wasm: ${module.status} ${module.statusText} fetching '${module.url}'`);
        }

        if (typeof WebAssembly.instantiateStreaming === 'function') {
            try {
                return await WebAssembly.instantiateStreaming(module, imports);
            } catch (e) {
                const validResponse = expectedResponseType(module.type);

                if (validResponse && module.headers.get('Content-Type') !== 'application/wasm') {
                    console.warn("`WebAssembly.instantiateStreaming` failed because your server does not serve Wasm with `application/wasm` MIME type. Falling back to `WebAssembly.instantiate` which is slower. Original error:\n", e);

                } else { throw e; }
            }
        }

        const bytes = await module.arrayBuffer();
        return await WebAssembly.instantiate(bytes, imports);
    } else {
        const instance = await WebAssembly.instantiate(module, imports);

        if (instance instanceof WebAssembly.Instance) {
            return { instance, module };
        } else {
            return instance;
        }
    }

    function expectedResponseType(type) {
        switch (type) {
            case 'basic': case 'cors': case 'default': return true;
        }
        return false;
    }
}

function initSync(module, memory) {
    if (wasm !== undefined) return wasm;

    let thread_stack_size
    if (module !== undefined) {
        if (Object.getPrototypeOf(module) === Object.prototype) {
            ({module, memory, thread_stack_size} = module)
        } else {
            console.warn('using deprecated parameters for `initSync()`; pass a single object instead')
        }
    }

    const imports = __wbg_get_imports(memory);
    if (!(module instanceof WebAssembly.Module)) {
        module = new WebAssembly.Module(module);
    }
    const instance = new WebAssembly.Instance(module, imports);
    return __wbg_finalize_init(instance, module, thread_stack_size);
}

let __wbg_init_promise;
async function __wbg_init(module_or_path, memory) {
    if (wasm !== undefined) return wasm;
    if (__wbg_init_promise === undefined) {
        __wbg_init_promise = __wbg_init_once(module_or_path, memory);
        __wbg_init_promise.catch(() => { __wbg_init_promise = undefined; });
    }
    return __wbg_init_promise;
}

async function __wbg_init_once(module_or_path, memory) {
    let thread_stack_size
    if (module_or_path !== undefined) {
        if (Object.getPrototypeOf(module_or_path) === Object.prototype) {
            ({module_or_path, memory, thread_stack_size} = module_or_path)
        } else {
            console.warn('using deprecated parameters for the initialization function; pass a single object instead')
        }
    }

    if (module_or_path === undefined) {
        module_or_path = new URL('../evoprune_wasm_bg.wasm', import.meta.url);
    }
    const imports = __wbg_get_imports(memory);

    if (typeof module_or_path === 'string' || (typeof Request === 'function' && module_or_path instanceof Request) || (typeof URL === 'function' && module_or_path instanceof URL)) {
        module_or_path = fetch(module_or_path);
    }

    const { instance, module } = await __wbg_load(await module_or_path, imports);

    return __wbg_finalize_init(instance, module, thread_stack_size);
}

export { initSync, __wbg_init as default };
