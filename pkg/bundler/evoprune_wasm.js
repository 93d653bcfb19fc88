/* @ts-self-types="./evoprune_wasm.d.ts" */
import * as wasm from "../evoprune_wasm_bg.wasm";
import { __wbg_set_wasm } from "../evoprune_wasm_bg.js";

__wbg_set_wasm(wasm);
wasm.__wbindgen_start();
export {
    F32Buffer, Model, Trainer, bias_add, column_sums, evolution_step, gemm, registry, relu, relu_backward, softmax_cross_entropy, thread_count, thread_pool_abandon, thread_pool_empty_regions, thread_pool_worker, thread_work, threaded_build, trainer_memory_check, wasm_memory
} from "../evoprune_wasm_bg.js";
