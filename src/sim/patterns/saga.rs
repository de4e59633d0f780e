//! A lock held across a remote call, versus a saga.
//!
//! An order needs one unit of stock (a row in the shop's database) and a card charge (the
//! payment service, which writes to the same database). Two designs:
//!
//! * **Lock across the call** (the bad one): the order service opens a transaction, locks the
//!   product's row (`SELECT … FOR UPDATE`), takes the unit, and *while still holding the lock*
//!   calls payment. Payment records the charge against the same row, so it waits for the lock
//!   the order holds, and the order waits for payment: a distributed deadlock no database can
//!   see. It ends when the 30 s transaction timeout rolls the order back; only then does payment
//!   get the lock and charge the card — for an order that no longer exists. Every other order
//!   for that product queues behind the lock meanwhile.
//! * **Saga** (the fix): three short local steps — *reserve* the unit, *charge* the card (a
//!   remote call with an idempotency key, a timeout and retries), *finalize* — each committed on
//!   its own, with a compensation for each step already done when a later one fails for good:
//!   *refund* the charge (keyed, so it happens at most once, and only if the charge did), then
//!   *cancel the reservation*. Under lost replies and a crashed payment service, no unit of
//!   stock and no cent is lost or counted twice: the report's invariants show it.
//!
//! A small deterministic discrete-event model with the engine's event queue and PRNG.

use crate::sim::queue::EventQueue;
use crate::sim::rng::SimRng;
use crate::sim::time::{from_ms, from_secs, to_ms, Time};
use serde::{Deserialize, Serialize};
use std::collections::{HashSet, VecDeque};

/// Which design the shop uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// One transaction holds the row lock across the payment call.
    LockAcrossCall,
    /// Reserve → charge → finalize, with compensations.
    Saga,
}

/// Settings of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SagaConfig {
    /// Orders per second (Poisson), while `duration_s` lasts.
    pub rate_per_s: f64,
    /// How long orders arrive, seconds (the run then lets every order settle).
    pub duration_s: f64,
    /// Products (rows); each order picks one at random.
    pub products: u32,
    /// Units of stock per product at the start.
    pub stock_per_product: u32,
    /// Price of a unit, in cents.
    pub price_cents: u64,
    /// Mean time payment takes to charge a card, ms (exponential).
    pub payment_mean_ms: f64,
    /// One-way network delay between the services, ms.
    pub network_ms: f64,
    /// Time a short local transaction holds a row lock, ms.
    pub local_tx_ms: f64,
    /// The database's transaction timeout, seconds.
    pub tx_timeout_s: f64,
    /// Saga: timeout of one charge attempt, ms.
    pub call_timeout_ms: f64,
    /// Saga: charge attempts in all, counting the first.
    pub attempts: u32,
    /// Payment replies lost with this probability between `reply_loss_from_s` and `_to_s`.
    pub reply_loss: f64,
    /// Start of the reply-loss window, s.
    pub reply_loss_from_s: f64,
    /// End of the reply-loss window, s.
    pub reply_loss_to_s: f64,
    /// Payment is crashed (receives nothing, answers nothing) from this time, s.
    pub crash_from_s: f64,
    /// …until this time, s.
    pub crash_to_s: f64,
    /// Seed.
    pub seed: u64,
}

impl Default for SagaConfig {
    fn default() -> Self {
        SagaConfig {
            rate_per_s: 20.0,
            duration_s: 60.0,
            products: 10,
            stock_per_product: 1000,
            price_cents: 4000,
            payment_mean_ms: 20.0,
            network_ms: 2.0,
            local_tx_ms: 2.0,
            tx_timeout_s: 30.0,
            call_timeout_ms: 500.0,
            attempts: 3,
            reply_loss: 0.3,
            reply_loss_from_s: 15.0,
            reply_loss_to_s: 25.0,
            crash_from_s: 35.0,
            crash_to_s: 45.0,
            seed: 1,
        }
    }
}

impl SagaConfig {
    /// Checks the ranges.
    pub fn validate(&self) -> Result<(), String> {
        let pos = |name: &str, v: f64, max: f64| {
            if v.is_finite() && v > 0.0 && v <= max {
                Ok(())
            } else {
                Err(format!(
                    "{name}: must be above 0 and at most {max}, got {v}"
                ))
            }
        };
        pos("rate_per_s", self.rate_per_s, 10_000.0)?;
        pos("duration_s", self.duration_s, 3_600.0)?;
        pos("payment_mean_ms", self.payment_mean_ms, 60_000.0)?;
        pos("local_tx_ms", self.local_tx_ms, 60_000.0)?;
        pos("tx_timeout_s", self.tx_timeout_s, 3_600.0)?;
        pos("call_timeout_ms", self.call_timeout_ms, 600_000.0)?;
        if !(self.network_ms.is_finite() && (0.0..=10_000.0).contains(&self.network_ms)) {
            return Err(format!(
                "network_ms: must be between 0 and 10000, got {}",
                self.network_ms
            ));
        }
        if !(1..=1000).contains(&self.products) {
            return Err(format!(
                "products: must be between 1 and 1000, got {}",
                self.products
            ));
        }
        if !(1..=10).contains(&self.attempts) {
            return Err(format!(
                "attempts: must be between 1 and 10, got {}",
                self.attempts
            ));
        }
        if !(0.0..=1.0).contains(&self.reply_loss) {
            return Err(format!(
                "reply_loss: must be between 0 and 1, got {}",
                self.reply_loss
            ));
        }
        Ok(())
    }
}

/// Where the stock is at the end.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StockReport {
    /// Units at the start.
    pub initial: u64,
    /// Units on the shelf.
    pub available: u64,
    /// Units reserved by orders still in progress (0 once everything settled).
    pub reserved: u64,
    /// Units sold (orders completed).
    pub sold: u64,
    /// `initial − available − reserved − sold`: units that vanished (must be 0).
    pub lost: i64,
}

/// Where the money is at the end.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MoneyReport {
    /// Cents charged to cards.
    pub charged_cents: u64,
    /// Cents refunded.
    pub refunded_cents: u64,
    /// Cents the sold units are worth.
    pub for_sold_cents: u64,
    /// `charged − refunded − for_sold`: money taken for nothing (must be 0).
    pub unaccounted_cents: i64,
    /// Orders charged more than once.
    pub duplicate_charges: u64,
    /// Orders charged although the order failed and was not refunded.
    pub charged_without_order: u64,
}

/// What a run measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SagaReport {
    /// The design.
    pub design: Design,
    /// Orders placed.
    pub orders: u64,
    /// Orders completed (stock sold, card charged).
    pub completed: u64,
    /// Orders that failed (rolled back or compensated).
    pub failed: u64,
    /// Percent of orders completed.
    pub success_rate: f64,
    /// Mean time from placing an order to its outcome, ms.
    pub mean_latency_ms: f64,
    /// Longest time a row lock was held, ms.
    pub max_lock_held_ms: f64,
    /// Saga: compensations run (refund attempts that were needed).
    pub compensations: u64,
    /// Stock accounting.
    pub stock: StockReport,
    /// Money accounting.
    pub money: MoneyReport,
    /// Simulated seconds until every order had settled.
    pub settled_s: f64,
}

#[derive(Clone, Copy, Debug)]
enum Ev {
    Arrive,
    /// The lock of `row` is free for its next waiter.
    LockReleased {
        row: u32,
    },
    /// A local step (holding the row) is done.
    LocalDone {
        order: u32,
        step: Step,
    },
    /// A charge (or refund) request reaches payment.
    PaymentArrive {
        order: u32,
        attempt: u32,
        refund: bool,
    },
    /// Payment finished charging (bad design: while holding the row).
    PaymentDone {
        order: u32,
        attempt: u32,
    },
    /// A reply from payment reaches the order service.
    Reply {
        order: u32,
        attempt: u32,
        refund: bool,
    },
    /// An attempt's timeout.
    Timeout {
        order: u32,
        attempt: u32,
        refund: bool,
    },
    /// A retry's backoff ended.
    Retry {
        order: u32,
        refund: bool,
    },
    /// The order's database transaction timed out.
    TxTimeout {
        order: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Reserve,
    Finalize,
    Cancel,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Holder {
    Order(u32),
    Payment(u32),
}

#[derive(Clone, Debug, Default)]
struct Row {
    available: u64,
    holder: Option<Holder>,
    since: Time,
    waiting: VecDeque<Holder>,
}

#[derive(Clone, Debug)]
struct Order {
    row: u32,
    placed: Time,
    done: bool,
    attempt: u32,
    /// Refund attempts so far.
    refunds: u32,
    charged_ok: bool,
    ok: bool,
}

struct Model {
    c: SagaConfig,
    design: Design,
    now: Time,
    q: EventQueue<Ev>,
    rng: SimRng,
    rows: Vec<Row>,
    orders: Vec<Order>,
    charged: HashSet<u32>,
    refunded: HashSet<u32>,
    /// Keys payment was told to refund: a charge arriving later with one is refused.
    cancelled: HashSet<u32>,
    charged_cents: u64,
    refunded_cents: u64,
    duplicate_charges: u64,
    reserved: u64,
    sold: u64,
    completed: u64,
    failed: u64,
    latency_sum_ms: f64,
    max_lock_ns: Time,
    compensations: u64,
}

impl Model {
    fn net(&self) -> Time {
        from_ms(self.c.network_ms)
    }

    fn payment_crashed(&self) -> bool {
        let t = to_ms(self.now) / 1000.0;
        t >= self.c.crash_from_s && t < self.c.crash_to_s
    }

    fn reply_lost(&mut self) -> bool {
        let t = to_ms(self.now) / 1000.0;
        t >= self.c.reply_loss_from_s
            && t < self.c.reply_loss_to_s
            && self.rng.chance(self.c.reply_loss)
    }

    /// `who` asks for the row lock; granted at once if free.
    fn lock(&mut self, row: u32, who: Holder) {
        let r = &mut self.rows[row as usize];
        if r.holder.is_none() {
            r.holder = Some(who);
            r.since = self.now;
            self.granted(row, who);
        } else {
            r.waiting.push_back(who);
        }
    }

    fn unlock(&mut self, row: u32) {
        let r = &mut self.rows[row as usize];
        self.max_lock_ns = self.max_lock_ns.max(self.now - r.since);
        r.holder = None;
        self.q.push(self.now, Ev::LockReleased { row });
    }

    fn next_waiter(&mut self, row: u32) {
        loop {
            let r = &mut self.rows[row as usize];
            if r.holder.is_some() {
                return;
            }
            let Some(who) = r.waiting.pop_front() else {
                return;
            };
            // orders that gave up while waiting are skipped
            if let Holder::Order(o) = who {
                if self.orders[o as usize].done {
                    continue;
                }
            }
            let r = &mut self.rows[row as usize];
            r.holder = Some(who);
            r.since = self.now;
            self.granted(row, who);
            return;
        }
    }

    fn granted(&mut self, row: u32, who: Holder) {
        match (self.design, who) {
            (Design::LockAcrossCall, Holder::Order(o)) => {
                // inside the transaction: take the unit, then call payment holding the lock
                let r = &mut self.rows[row as usize];
                if r.available == 0 {
                    self.finish(o, false);
                    self.unlock(row);
                    return;
                }
                r.available -= 1;
                self.reserved += 1;
                let t = self.now + self.net();
                self.q.push(
                    t,
                    Ev::PaymentArrive {
                        order: o,
                        attempt: 1,
                        refund: false,
                    },
                );
            }
            (Design::LockAcrossCall, Holder::Payment(o)) => {
                let d = from_ms(self.rng.exponential(self.c.payment_mean_ms));
                self.q.push(
                    self.now + d,
                    Ev::PaymentDone {
                        order: o,
                        attempt: 1,
                    },
                );
            }
            (Design::Saga, Holder::Order(o)) => {
                let step = match (
                    self.orders[o as usize].charged_ok,
                    self.orders[o as usize].refunds,
                ) {
                    (true, _) => Step::Finalize,
                    (false, 0) => Step::Reserve,
                    (false, _) => Step::Cancel,
                };
                let d = from_ms(self.c.local_tx_ms);
                self.q.push(self.now + d, Ev::LocalDone { order: o, step });
            }
            (Design::Saga, Holder::Payment(_)) => {}
        }
    }

    fn finish(&mut self, o: u32, ok: bool) {
        let order = &mut self.orders[o as usize];
        if order.done {
            return;
        }
        order.done = true;
        order.ok = ok;
        self.latency_sum_ms += to_ms(self.now - order.placed);
        if ok {
            self.completed += 1;
        } else {
            self.failed += 1;
        }
    }

    /// Payment charges order `o` (at most once per idempotency key in the saga).
    fn charge(&mut self, o: u32) {
        if self.cancelled.contains(&o) {
            return;
        }
        if !self.charged.insert(o) {
            if self.design == Design::LockAcrossCall {
                self.duplicate_charges += 1;
                self.charged_cents += self.c.price_cents;
            }
            return;
        }
        self.charged_cents += self.c.price_cents;
    }

    fn send_charge(&mut self, o: u32, refund: bool) {
        let attempt = if refund {
            self.orders[o as usize].refunds += 1;
            self.orders[o as usize].refunds
        } else {
            self.orders[o as usize].attempt += 1;
            self.orders[o as usize].attempt
        };
        let t = self.now + self.net();
        self.q.push(
            t,
            Ev::PaymentArrive {
                order: o,
                attempt,
                refund,
            },
        );
        self.q.push(
            self.now + from_ms(self.c.call_timeout_ms),
            Ev::Timeout {
                order: o,
                attempt,
                refund,
            },
        );
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Arrive => {
                let o = self.orders.len() as u32;
                let row = self.rng.below(self.c.products);
                self.orders.push(Order {
                    row,
                    placed: self.now,
                    done: false,
                    attempt: 0,
                    refunds: 0,
                    charged_ok: false,
                    ok: false,
                });
                if self.design == Design::LockAcrossCall {
                    self.q.push(
                        self.now + from_secs(self.c.tx_timeout_s),
                        Ev::TxTimeout { order: o },
                    );
                }
                self.lock(row, Holder::Order(o));
                let next = self.now + from_secs(self.rng.exponential(1.0 / self.c.rate_per_s));
                if next < from_secs(self.c.duration_s) {
                    self.q.push(next, Ev::Arrive);
                }
            }
            Ev::LockReleased { row } => self.next_waiter(row),
            Ev::TxTimeout { order } => {
                // the database rolls the order's transaction back
                let row = self.orders[order as usize].row;
                if self.orders[order as usize].done {
                    return;
                }
                let holds = self.rows[row as usize].holder == Some(Holder::Order(order));
                self.finish(order, false);
                if holds {
                    self.rows[row as usize].available += 1;
                    self.reserved -= 1;
                    self.unlock(row);
                }
            }
            Ev::PaymentArrive {
                order,
                attempt,
                refund,
            } => {
                if self.payment_crashed() {
                    return;
                }
                match self.design {
                    Design::LockAcrossCall => {
                        let row = self.orders[order as usize].row;
                        self.lock(row, Holder::Payment(order));
                    }
                    Design::Saga if refund => {
                        // refund only what was charged, once; and refuse the charge if it
                        // is still to come
                        self.cancelled.insert(order);
                        if self.charged.contains(&order) && self.refunded.insert(order) {
                            self.refunded_cents += self.c.price_cents;
                        }
                        self.reply(order, attempt, true);
                    }
                    Design::Saga => {
                        let d = from_ms(self.rng.exponential(self.c.payment_mean_ms));
                        self.q
                            .push(self.now + d, Ev::PaymentDone { order, attempt });
                    }
                }
            }
            Ev::PaymentDone { order, attempt } => {
                if self.payment_crashed() {
                    return;
                }
                self.charge(order);
                if self.design == Design::LockAcrossCall {
                    let row = self.orders[order as usize].row;
                    self.unlock(row);
                }
                self.reply(order, attempt, false);
            }
            Ev::Reply {
                order,
                attempt,
                refund,
            } => self.on_reply(order, attempt, refund),
            Ev::Timeout {
                order,
                attempt,
                refund,
            } => {
                let o = &self.orders[order as usize];
                let current = if refund { o.refunds } else { o.attempt };
                if o.done || current != attempt || (!refund && o.charged_ok) {
                    return;
                }
                if refund {
                    // keep trying: the refund is keyed, so repeats are harmless
                    self.q.push(
                        self.now + from_ms(1000.0),
                        Ev::Retry {
                            order,
                            refund: true,
                        },
                    );
                } else if attempt < self.c.attempts {
                    let backoff = from_ms(100.0 * (1u64 << attempt.min(10)) as f64);
                    self.q.push(
                        self.now + backoff,
                        Ev::Retry {
                            order,
                            refund: false,
                        },
                    );
                } else {
                    // the outcome is unknown: compensate (refund if charged), then cancel
                    self.compensations += 1;
                    self.send_charge(order, true);
                }
            }
            Ev::Retry { order, refund } => {
                if !self.orders[order as usize].done {
                    self.send_charge(order, refund);
                }
            }
            Ev::LocalDone { order, step } => {
                let row = self.orders[order as usize].row;
                match step {
                    Step::Reserve => {
                        let r = &mut self.rows[row as usize];
                        if r.available == 0 {
                            self.finish(order, false);
                        } else {
                            r.available -= 1;
                            self.reserved += 1;
                            self.send_charge(order, false);
                        }
                    }
                    Step::Finalize => {
                        self.reserved -= 1;
                        self.sold += 1;
                        self.finish(order, true);
                    }
                    Step::Cancel => {
                        self.rows[row as usize].available += 1;
                        self.reserved -= 1;
                        self.finish(order, false);
                    }
                }
                self.unlock(row);
            }
        }
    }

    fn reply(&mut self, order: u32, attempt: u32, refund: bool) {
        if self.reply_lost() {
            return;
        }
        let t = self.now + self.net();
        self.q.push(
            t,
            Ev::Reply {
                order,
                attempt,
                refund,
            },
        );
    }

    fn on_reply(&mut self, order: u32, attempt: u32, refund: bool) {
        let o = &self.orders[order as usize];
        if o.done {
            return;
        }
        match self.design {
            Design::LockAcrossCall => {
                // payment answered inside the transaction: commit
                let row = o.row;
                self.reserved -= 1;
                self.sold += 1;
                self.finish(order, true);
                if self.rows[row as usize].holder == Some(Holder::Order(order)) {
                    self.unlock(row);
                }
            }
            Design::Saga => {
                // a late reply to an earlier charge attempt still means "charged"
                let row = o.row;
                if refund {
                    if o.refunds == attempt {
                        // refunded (or nothing to refund): release the unit
                        self.orders[order as usize].refunds += 1; // stale timeouts ignored
                        self.lock(row, Holder::Order(order));
                    }
                } else if !o.charged_ok && o.refunds == 0 {
                    self.orders[order as usize].charged_ok = true;
                    self.lock(row, Holder::Order(order));
                }
            }
        }
    }
}

/// Runs the model to the end and until every order has settled (at most 10 minutes more).
pub fn run(c: &SagaConfig, design: Design) -> Result<SagaReport, String> {
    c.validate()?;
    let mut m = Model {
        design,
        now: 0,
        q: EventQueue::new(),
        rng: SimRng::new(c.seed),
        rows: (0..c.products)
            .map(|_| Row {
                available: c.stock_per_product as u64,
                ..Row::default()
            })
            .collect(),
        orders: Vec::new(),
        charged: HashSet::new(),
        refunded: HashSet::new(),
        cancelled: HashSet::new(),
        charged_cents: 0,
        refunded_cents: 0,
        duplicate_charges: 0,
        reserved: 0,
        sold: 0,
        completed: 0,
        failed: 0,
        latency_sum_ms: 0.0,
        max_lock_ns: 0,
        compensations: 0,
        c: c.clone(),
    };
    let first = from_secs(m.rng.exponential(1.0 / c.rate_per_s));
    m.q.push(first, Ev::Arrive);
    let limit = from_secs(c.duration_s + 600.0);
    while let Some((t, ev)) = m.q.pop() {
        if t > limit {
            break;
        }
        m.now = t;
        m.handle(ev);
    }
    let initial = c.products as u64 * c.stock_per_product as u64;
    let available: u64 = m.rows.iter().map(|r| r.available).sum();
    let orders = m.orders.len() as u64;
    let for_sold = m.sold * c.price_cents;
    let charged_without_order = m
        .charged
        .iter()
        .filter(|&&o| !m.refunded.contains(&o) && !m.orders[o as usize].ok)
        .count() as u64;
    Ok(SagaReport {
        design,
        orders,
        completed: m.completed,
        failed: m.failed,
        success_rate: if orders > 0 {
            100.0 * m.completed as f64 / orders as f64
        } else {
            100.0
        },
        mean_latency_ms: if orders > 0 {
            m.latency_sum_ms / (m.completed + m.failed).max(1) as f64
        } else {
            0.0
        },
        max_lock_held_ms: to_ms(m.max_lock_ns),
        compensations: m.compensations,
        stock: StockReport {
            initial,
            available,
            reserved: m.reserved,
            sold: m.sold,
            lost: initial as i64 - available as i64 - m.reserved as i64 - m.sold as i64,
        },
        money: MoneyReport {
            charged_cents: m.charged_cents,
            refunded_cents: m.refunded_cents,
            for_sold_cents: for_sold,
            unaccounted_cents: m.charged_cents as i64 - m.refunded_cents as i64 - for_sold as i64,
            duplicate_charges: m.duplicate_charges,
            charged_without_order,
        },
        settled_s: to_ms(m.now) / 1000.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_across_the_call_deadlocks_until_the_transaction_timeout() {
        let r = run(&SagaConfig::default(), Design::LockAcrossCall).unwrap();
        assert_eq!(r.completed, 0, "{r:?}");
        assert!(r.max_lock_held_ms >= 30_000.0);
        // payment charged after the rollback: money taken for orders that do not exist
        assert!(r.money.charged_without_order > 0);
        assert!(r.money.unaccounted_cents > 0);
        assert_eq!(r.stock.lost, 0);
    }

    #[test]
    fn the_saga_loses_nothing_under_lost_replies_and_a_crash() {
        let r = run(&SagaConfig::default(), Design::Saga).unwrap();
        assert!(r.success_rate > 70.0, "{r:?}");
        assert!(r.compensations > 0, "the crash forces compensations");
        assert_eq!(r.stock.reserved, 0, "every order settled");
        assert_eq!(r.stock.lost, 0);
        assert_eq!(r.money.unaccounted_cents, 0, "{:?}", r.money);
        assert_eq!(r.money.duplicate_charges, 0);
        assert_eq!(r.money.charged_without_order, 0);
        assert!(r.max_lock_held_ms <= 2.0 + 1e-9);
    }

    #[test]
    fn same_seed_same_report() {
        let a = run(&SagaConfig::default(), Design::Saga).unwrap();
        let b = run(&SagaConfig::default(), Design::Saga).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn bad_settings_are_refused_by_name() {
        let c = SagaConfig {
            attempts: 0,
            ..SagaConfig::default()
        };
        assert!(run(&c, Design::Saga).unwrap_err().contains("attempts"));
    }
}
