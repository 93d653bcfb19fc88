//! The thread pool: one per wasm instance (or process, natively), started once, that splits a
//! parallel region into parts, one per thread.
//!
//! Threads never change a bit (DESIGN §5.4): callers split work so that every output element is
//! computed by one thread in the order the single-threaded code uses (products over blocks of
//! output columns, element-wise kernels over disjoint ranges). So the thread count is a speed
//! setting only, and the same code runs with 1 thread when there is no pool (the single-threaded
//! wasm build, or a pool that is already busy).
//!
//! How a region runs: the caller (thread 0) publishes the job and bumps `generation`; every worker
//! (threads 1..) sees the new generation, runs its part if the region has one for it, and
//! decrements `pending`; the caller runs part 0 and then spins until `pending` is 0. Workers spin
//! for a while before parking (`memory.atomic.wait32` in wasm, a short sleep natively), because a
//! training step opens a region every few hundred microseconds and a park/wake round trip costs
//! ≈ 15 µs in V8, a spin ≈ 1 µs. The caller only spins: a browser's main thread may not wait.
//!
//! In wasm the workers are JavaScript workers that instantiate the same module on the same shared
//! memory and then call [`worker`], which never returns. Natively [`start_native`] spawns them.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering::SeqCst};

/// At most this many threads per pool (caller included).
pub const MAX_THREADS: usize = 64;

/// Spins before a worker parks: about a millisecond of polling (longer than the gaps between
/// a training step's regions, far shorter than a pause between calls).
const SPINS_BEFORE_PARKING: u32 = 1 << 20;

/// The job of the current region: a type-erased `&(dyn Fn(usize) + Sync)` and its part count.
#[derive(Clone, Copy)]
struct Job {
    data: *const (),
    call: unsafe fn(*const (), usize),
    parts: usize,
    /// Workers the caller counted in `pending` (a worker registering meanwhile sits this one out).
    workers: usize,
}

struct JobCell(UnsafeCell<Job>);
// SAFETY: the job is written only by the caller holding `busy`, before `generation` is bumped, and
// read by workers only after they observe the bump (SeqCst), while the caller waits for them.
unsafe impl Sync for JobCell {}

struct Pool {
    /// Workers in their loop (threads 1..=workers). Fixed once the pool has started.
    workers: AtomicUsize,
    generation: AtomicU32,
    pending: AtomicU32,
    /// Workers parked in a wait (so the caller knows to notify).
    parked: AtomicU32,
    /// Held by the thread running a region; a second caller meanwhile runs its region serially.
    busy: AtomicBool,
    /// A worker trapped ([`abandon`]): the pool is unusable and every later region fails.
    failed: AtomicBool,
    job: JobCell,
    /// Parts run per thread since the pool started: lets tests see that every thread worked.
    work: [AtomicU32; MAX_THREADS],
}

unsafe fn noop(_: *const (), _: usize) {}

static POOL: Pool = Pool {
    workers: AtomicUsize::new(0),
    generation: AtomicU32::new(0),
    pending: AtomicU32::new(0),
    parked: AtomicU32::new(0),
    busy: AtomicBool::new(false),
    failed: AtomicBool::new(false),
    job: JobCell(UnsafeCell::new(Job { data: core::ptr::null(), call: noop, parts: 0, workers: 0 })),
    work: [const { AtomicU32::new(0) }; MAX_THREADS],
};

/// Threads a region can use: the pool's workers plus the caller (1 without a pool); natively at
/// most the calling thread's [`set_native_limit`].
pub fn threads() -> usize {
    let pool = POOL.workers.load(SeqCst) + 1;
    #[cfg(not(target_arch = "wasm32"))]
    let pool = pool.min(NATIVE_LIMIT.with(|l| l.get()));
    pool
}

/// Parts each thread has run since the pool started (index 0 is the calling thread).
pub fn work_counters() -> Vec<u32> {
    POOL.work[..POOL.workers.load(SeqCst) + 1].iter().map(|w| w.load(SeqCst)).collect()
}

/// Runs `body(part)` for every part in `0..parts`, at most [`threads`] parts (larger counts are an
/// error of the caller and run serially). Each part runs on its own thread when the pool is free;
/// otherwise, and with one part, all run here in increasing order. Either way every part runs
/// exactly once before this returns, so the caller's results do not depend on which happened.
pub fn run<F: Fn(usize) + Sync>(parts: usize, body: &F) {
    let workers = POOL.workers.load(SeqCst);
    if parts <= 1 || parts > workers + 1 || POOL.busy.compare_exchange(false, true, SeqCst, SeqCst).is_err() {
        for part in 0..parts {
            body(part);
        }
        return;
    }
    unsafe fn call<F: Fn(usize) + Sync>(data: *const (), part: usize) {
        // SAFETY: `data` is the `&F` published by `run`, alive until every worker is done.
        unsafe { (*(data as *const F))(part) }
    }
    // SAFETY: `busy` is ours, and every worker finished the previous region (pending was 0).
    unsafe { *POOL.job.0.get() = Job { data: body as *const F as *const (), call: call::<F>, parts, workers } };
    POOL.pending.store(workers as u32, SeqCst);
    POOL.generation.fetch_add(1, SeqCst);
    if POOL.parked.load(SeqCst) > 0 {
        wake(&POOL.generation);
    }
    POOL.work[0].fetch_add(1, SeqCst);
    body(0);
    while POOL.pending.load(SeqCst) != 0 {
        core::hint::spin_loop();
    }
    POOL.busy.store(false, SeqCst);
    assert!(!POOL.failed.load(SeqCst), "evoprune: a thread of the pool trapped; this instance cannot be used any more");
}

/// Called (from JavaScript) on a worker whose loop trapped: marks the pool failed and stops the
/// calling thread from waiting for it, so the caller fails with a message instead of hanging.
pub fn abandon() {
    POOL.failed.store(true, SeqCst);
    POOL.pending.fetch_sub(1, SeqCst);
}

/// A mutable buffer's elements as a raw pointer that threads may share, for parts that write
/// disjoint elements of it (their own columns or ranges) inside one region.
#[derive(Clone, Copy)]
pub struct Shared<T>(*mut T);
// SAFETY: users write disjoint elements from different parts, and the region joins before the
// buffer's `&mut` borrow ends (documented at each use).
unsafe impl<T> Send for Shared<T> {}
unsafe impl<T> Sync for Shared<T> {}

impl<T> Shared<T> {
    pub fn new(data: &mut [T]) -> Shared<T> {
        Shared(data.as_mut_ptr())
    }

    /// The pointer (a method, so closures capture the `Sync` wrapper rather than the pointer).
    #[inline(always)]
    pub fn get(self) -> *mut T {
        self.0
    }

    /// Elements `range` as a slice.
    ///
    /// # Safety
    /// `range` must lie inside the buffer, and no other part may touch it meanwhile.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn slice(&self, range: core::ops::Range<usize>) -> &mut [T] {
        unsafe { core::slice::from_raw_parts_mut(self.0.add(range.start), range.len()) }
    }
}

/// The split of `0..len` into `parts` contiguous ranges whose boundaries are multiples of `align`
/// (the last range takes the remainder): range `part`.
pub fn split(len: usize, parts: usize, align: usize, part: usize) -> core::ops::Range<usize> {
    let blocks = len / align;
    let at = |p: usize| if p >= parts { len } else { blocks * p / parts * align };
    at(part)..at(part + 1)
}

/// How many parts to split work of `blocks` independent blocks into: one per thread, but no more
/// parts than blocks and one part when the whole job is below `min_work` units (`work`).
pub fn parts_for(blocks: usize, work: usize, min_work: usize) -> usize {
    if work < min_work {
        1
    } else {
        threads().min(blocks).max(1)
    }
}

/// A worker's loop: registers as the next thread and runs its part of every region, forever.
/// In wasm, a JavaScript worker calls it after instantiating the module on the shared memory.
pub fn worker() -> ! {
    let index = POOL.workers.fetch_add(1, SeqCst) + 1;
    assert!(index < MAX_THREADS, "evoprune: at most {MAX_THREADS} threads");
    let mut seen = POOL.generation.load(SeqCst);
    loop {
        let mut spins = 0u32;
        while POOL.generation.load(SeqCst) == seen {
            if spins < SPINS_BEFORE_PARKING {
                spins += 1;
                core::hint::spin_loop();
            } else {
                POOL.parked.fetch_add(1, SeqCst);
                park(&POOL.generation, seen);
                POOL.parked.fetch_sub(1, SeqCst);
            }
        }
        seen = POOL.generation.load(SeqCst);
        // SAFETY: published before the generation was bumped; the caller waits for `pending`.
        let job = unsafe { *POOL.job.0.get() };
        if index > job.workers {
            continue;
        }
        if index < job.parts {
            // SAFETY: `job.data` is the caller's closure, alive until `pending` reaches 0.
            // Counted before the part runs: counted after it (a computed address held across the
            // indirect call), the increment was lost under V8 once the loop was optimised.
            POOL.work[index].fetch_add(1, SeqCst);
            unsafe { (job.call)(job.data, index) };
        }
        POOL.pending.fetch_sub(1, SeqCst);
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
fn park(at: &AtomicU32, seen: u32) {
    // SAFETY: a valid, aligned address in the shared memory; returns when woken or changed.
    unsafe { core::arch::wasm32::memory_atomic_wait32(at.as_ptr() as *mut i32, seen as i32, -1) };
}

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
fn wake(at: &AtomicU32) {
    // SAFETY: a valid, aligned address in the shared memory.
    unsafe { core::arch::wasm32::memory_atomic_notify(at.as_ptr() as *mut i32, u32::MAX) };
}

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
fn park(_: &AtomicU32, _: u32) {
    unreachable!("the single-threaded build has no workers")
}

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
fn wake(_: &AtomicU32) {}

#[cfg(not(target_arch = "wasm32"))]
fn park(at: &AtomicU32, seen: u32) {
    // Natively (tests), a short sleep stands in for a futex: parked workers poll rarely.
    while at.load(SeqCst) == seen {
        std::thread::sleep(std::time::Duration::from_micros(50));
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn wake(_: &AtomicU32) {}

/// Natively: makes the pool `threads` threads (caller included) by spawning the missing workers.
/// The pool never shrinks; tests use it to compare bits across thread counts in one process.
#[cfg(not(target_arch = "wasm32"))]
pub fn start_native(threads: usize) {
    use std::sync::Mutex;
    static STARTING: Mutex<()> = Mutex::new(());
    let _guard = STARTING.lock().unwrap_or_else(|e| e.into_inner());
    let want = threads.clamp(1, MAX_THREADS) - 1;
    let mut have = POOL.workers.load(SeqCst);
    while have < want {
        std::thread::spawn(|| worker());
        while POOL.workers.load(SeqCst) == have {
            std::thread::yield_now();
        }
        have += 1;
    }
}

/// Limits the regions this thread opens to `threads` parts (natively; tests compare thread
/// counts in one process, and cargo runs tests concurrently, so the limit is per calling thread).
#[cfg(not(target_arch = "wasm32"))]
pub fn set_native_limit(threads: usize) {
    NATIVE_LIMIT.with(|l| l.set(threads.max(1)));
}

#[cfg(not(target_arch = "wasm32"))]
std::thread_local! {
    static NATIVE_LIMIT: core::cell::Cell<usize> = const { core::cell::Cell::new(1) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_covers_the_range_once_on_aligned_boundaries() {
        for len in [0, 1, 15, 16, 17, 100, 512, 784] {
            for parts in 1..6 {
                let mut next = 0;
                for p in 0..parts {
                    let r = split(len, parts, 16, p);
                    assert_eq!(r.start, next);
                    assert!(r.start.is_multiple_of(16) || r.start == len);
                    next = r.end;
                }
                assert_eq!(next, len);
            }
        }
    }
}
