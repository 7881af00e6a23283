//! Reads through DAX: the item cache for GetItem and BatchGetItem, the query cache for
//! Query and Scan.
//!
//! A read first consults the node's cache. A hit is answered from memory. A miss is sent
//! to DynamoDB as an eventually consistent read, and what comes back is stored — a missing
//! item as a *negative* entry, an empty result set as an empty entry, so that asking again
//! for something that is not there is also answered from memory — and then replicated to
//! the other nodes. (Strongly consistent reads never get here: they pass straight through,
//! see [`crate::dax::cluster`].)
//!
//! The item cache holds whole items and applies each request's projection on the way out,
//! so GetItems of one key with different `ProjectionExpression`s share one entry, and a
//! write through DAX refreshes what all of them see. To fill it, a miss reads the whole
//! item. The query cache holds whole responses, keyed by the whole request.
//!
//! After answering, each entry's answer is compared with the table as it is right now
//! (through [`Backend::peek`], which costs nothing), and the request is marked stale when
//! they differ: the cache is serving something the table no longer says.

use serde_json::{Map, Value, json};

use crate::dax::backend::Backend;
use crate::dax::cluster::{DaxCluster, Env, Handled};
use crate::dax::keys::{ItemKey, QueryKey};
use crate::dax::node::CachedItem;
use crate::dax::outcome::{CacheKind, CacheTouch, Route, Touch};
use crate::error::DynamoError;
use crate::expr::{Placeholders, ProjectionExpression};
use crate::value::{Item, item_from_wire, item_size, item_to_wire};

/// The parts of an item a read asks for.
enum Projection {
    All,
    Expression(ProjectionExpression),
    Names(Vec<String>),
}

impl Projection {
    /// The projection of a GetItem request or of one table of a BatchGetItem.
    fn of(params: &Value) -> Result<Projection, DynamoError> {
        if let Some(source) = params.get("ProjectionExpression").and_then(Value::as_str) {
            let names = params
                .get("ExpressionAttributeNames")
                .and_then(Value::as_object)
                .map(|names| {
                    names
                        .iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            let mut placeholders = Placeholders::from_entries(names, []);
            return Ok(Projection::Expression(ProjectionExpression::parse(
                source,
                &mut placeholders,
            )?));
        }
        if let Some(names) = params.get("AttributesToGet").and_then(Value::as_array) {
            return Ok(Projection::Names(
                names
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect(),
            ));
        }
        Ok(Projection::All)
    }

    fn apply(&self, item: &Item) -> Item {
        match self {
            Projection::All => item.clone(),
            Projection::Expression(expression) => expression.apply(item),
            Projection::Names(names) => item
                .iter()
                .filter(|(name, _)| names.contains(name))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect(),
        }
    }

    fn apply_cached(&self, item: &CachedItem) -> CachedItem {
        item.as_ref().map(|item| self.apply(item))
    }
}

/// The request without what selects parts of items, so DynamoDB returns whole items.
fn whole_items(params: &Value) -> Value {
    let mut params = params.clone();
    if let Some(members) = params.as_object_mut() {
        for name in [
            "ProjectionExpression",
            "AttributesToGet",
            "ExpressionAttributeNames",
        ] {
            members.shift_remove(name);
        }
    }
    params
}

fn table_name(request: &Value) -> &str {
    request
        .get("TableName")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn item_in(response: &Value) -> Result<CachedItem, DynamoError> {
    response.get("Item").map(item_from_wire).transpose()
}

/// `ConsumedCapacity` for a request answered from the cache: DynamoDB was not read.
fn nothing_consumed(table: &str, mode: Option<&str>) -> Option<Value> {
    match mode {
        Some("TOTAL") => Some(json!({"TableName": table, "CapacityUnits": 0.0})),
        Some("INDEXES") => {
            Some(json!({"TableName": table, "CapacityUnits": 0.0, "Table": {"CapacityUnits": 0.0}}))
        }
        _ => None,
    }
}

fn capacity_mode(request: &Value) -> Option<&str> {
    request
        .get("ReturnConsumedCapacity")
        .and_then(Value::as_str)
}

/// A lookup's result: the entry's value and age if it hit.
struct Found {
    value: CachedItem,
    age: dynaplay_sim::SimDuration,
}

impl DaxCluster {
    fn lookup_item<B: ?Sized>(
        &mut self,
        index: usize,
        key: &ItemKey,
        env: &Env<'_, B>,
    ) -> Option<Found> {
        let expiry = env.params.item_expiry();
        let node = self.nodes.get_mut(index)?;
        let slot = node.items.lookup(key, env.now, expiry)?;
        Some(Found {
            value: slot.value.clone(),
            age: slot.age(env.now),
        })
    }

    /// The item as the table holds it now, or `None` if that cannot be told.
    fn truth<B: Backend + ?Sized>(key: &ItemKey, env: &mut Env<'_, B>) -> Option<CachedItem> {
        let request =
            json!({"TableName": key.table, "Key": key.key_wire(), "ConsistentRead": true});
        let response = env.backend.peek("GetItem", &request, env.now).ok()?;
        item_in(&response).ok()
    }

    /// The names of a table's key attributes, from its description.
    pub(crate) fn key_attributes<B: Backend + ?Sized>(
        table: &str,
        env: &mut Env<'_, B>,
    ) -> Result<Vec<String>, DynamoError> {
        let description =
            env.backend
                .peek("DescribeTable", &json!({"TableName": table}), env.now)?;
        Ok(description
            .pointer("/Table/KeySchema")
            .and_then(Value::as_array)
            .map(|schema| {
                schema
                    .iter()
                    .filter_map(|k| k.get("AttributeName")?.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// A touch for one item-cache entry, with its staleness worked out.
    fn item_touch<B: Backend + ?Sized>(
        key: &ItemKey,
        touch: Touch,
        answer: &CachedItem,
        projection: &Projection,
        env: &mut Env<'_, B>,
    ) -> CacheTouch {
        let stale = Self::truth(key, env).is_some_and(|truth| {
            projection.apply_cached(&truth) != projection.apply_cached(answer)
        });
        CacheTouch {
            cache: CacheKind::Item,
            table: key.table.clone(),
            key: key.key.clone(),
            touch,
            negative: answer.is_none(),
            age: None,
            stale,
            stored: false,
        }
    }

    pub(crate) fn get_item<B: Backend + ?Sized>(
        &mut self,
        index: usize,
        request: &Value,
        env: &mut Env<'_, B>,
    ) -> Handled {
        // DAX validates a request itself before looking in its cache; the table's own
        // validation gives the same errors, at no cost.
        if let Err(error) = env.backend.peek("GetItem", request, env.now) {
            return Handled::rejected(error);
        }
        let table = table_name(request);
        let parsed = ItemKey::from_wire(table, request.get("Key").unwrap_or(&Value::Null))
            .and_then(|key| Ok((key, Projection::of(request)?)));
        let (key, projection) = match parsed {
            Ok(parsed) => parsed,
            Err(error) => return Handled::rejected(error),
        };
        let (value, touch, capacity, dynamodb) = match self.lookup_item(index, &key, env) {
            Some(found) => {
                let capacity = nothing_consumed(table, capacity_mode(request));
                let mut touch = Self::item_touch(&key, Touch::Hit, &found.value, &projection, env);
                touch.age = Some(found.age);
                (found.value, touch, capacity, None)
            }
            None => {
                let reply = env.backend.call("GetItem", &whole_items(request), env.now);
                let fetched = reply.result.and_then(|response| {
                    Ok((
                        item_in(&response)?,
                        response.get("ConsumedCapacity").cloned(),
                    ))
                });
                let (value, capacity) = match fetched {
                    Ok(fetched) => fetched,
                    Err(error) => {
                        return Handled {
                            result: Err(error),
                            route: Route::CacheMiss,
                            touches: vec![unfilled(CacheKind::Item, &key.table, &key.key)],
                            dynamodb: Some(reply.latency),
                        };
                    }
                };
                let stored =
                    self.fill_item(index, key.clone(), value.clone(), env.now, env.latency);
                let mut touch = Self::item_touch(&key, Touch::Miss, &value, &projection, env);
                touch.stored = stored;
                (value, touch, capacity, Some(reply.latency))
            }
        };
        let mut response = Map::new();
        if let Some(item) = &value {
            response.insert("Item".into(), item_to_wire(&projection.apply(item)));
        }
        if let Some(capacity) = capacity {
            response.insert("ConsumedCapacity".into(), capacity);
        }
        Handled {
            result: Ok(Value::Object(response)),
            route: if dynamodb.is_some() {
                Route::CacheMiss
            } else {
                Route::CacheHit
            },
            touches: vec![touch],
            dynamodb,
        }
    }

    /// BatchGetItem: each key is looked up on its own, as if by GetItem; the misses go to
    /// DynamoDB together in one BatchGetItem.
    pub(crate) fn batch_get_item<B: Backend + ?Sized>(
        &mut self,
        index: usize,
        request: &Value,
        env: &mut Env<'_, B>,
    ) -> Handled {
        if let Err(error) = env.backend.peek("BatchGetItem", request, env.now) {
            return Handled::rejected(error);
        }
        match self.batch_get_checked(index, request, env) {
            Ok(handled) => handled,
            Err(error) => Handled::rejected(error),
        }
    }

    fn batch_get_checked<B: Backend + ?Sized>(
        &mut self,
        index: usize,
        request: &Value,
        env: &mut Env<'_, B>,
    ) -> Result<Handled, DynamoError> {
        struct Wanted {
            table: String,
            wire: Value,
            key: ItemKey,
            found: Option<Found>,
            fetched: Option<CachedItem>,
            unprocessed: bool,
        }
        let empty = Map::new();
        let tables = request
            .get("RequestItems")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut projections = Vec::new();
        let mut wanted = Vec::new();
        for (table, spec) in tables {
            projections.push((table.clone(), Projection::of(spec)?));
            for wire in spec
                .get("Keys")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let key = ItemKey::from_wire(table, wire)?;
                let found = self.lookup_item(index, &key, env);
                wanted.push(Wanted {
                    table: table.clone(),
                    wire: wire.clone(),
                    key,
                    found,
                    fetched: None,
                    unprocessed: false,
                });
            }
        }

        let mut dynamodb = None;
        let mut capacity = None;
        let mut misses = Map::new();
        for w in wanted.iter().filter(|w| w.found.is_none()) {
            let entry = misses
                .entry(w.table.clone())
                .or_insert_with(|| json!({"Keys": []}));
            if let Some(keys) = entry.get_mut("Keys").and_then(Value::as_array_mut) {
                keys.push(w.wire.clone());
            }
        }
        if !misses.is_empty() {
            let mut fetch = json!({"RequestItems": misses});
            if let (Some(mode), Some(members)) = (capacity_mode(request), fetch.as_object_mut()) {
                members.insert("ReturnConsumedCapacity".into(), json!(mode));
            }
            let reply = env.backend.call("BatchGetItem", &fetch, env.now);
            dynamodb = Some(reply.latency);
            let response = match reply.result {
                Ok(response) => response,
                Err(error) => {
                    let touches = wanted
                        .iter()
                        .map(|w| match &w.found {
                            Some(found) => CacheTouch {
                                touch: Touch::Hit,
                                negative: found.value.is_none(),
                                age: Some(found.age),
                                ..unfilled(CacheKind::Item, &w.table, &w.key.key)
                            },
                            None => unfilled(CacheKind::Item, &w.table, &w.key.key),
                        })
                        .collect();
                    return Ok(Handled {
                        result: Err(error),
                        route: Route::CacheMiss,
                        touches,
                        dynamodb,
                    });
                }
            };
            capacity = response.get("ConsumedCapacity").cloned();
            for table in misses.keys() {
                let attributes = Self::key_attributes(table, env)?;
                let mut returned = Vec::new();
                let items = response.pointer(&format!("/Responses/{}", escape(table)));
                for wire in items.and_then(Value::as_array).into_iter().flatten() {
                    let item = item_from_wire(wire)?;
                    if let Some(key) = ItemKey::of_item(table, &item, &attributes) {
                        returned.push((key, item));
                    }
                }
                let mut unprocessed = Vec::new();
                let pending = response.pointer(&format!("/UnprocessedKeys/{}/Keys", escape(table)));
                for wire in pending.and_then(Value::as_array).into_iter().flatten() {
                    unprocessed.push(ItemKey::from_wire(table, wire)?);
                }
                for w in wanted
                    .iter_mut()
                    .filter(|w| &w.table == table && w.found.is_none())
                {
                    if unprocessed.contains(&w.key) {
                        w.unprocessed = true;
                    } else {
                        let item = returned
                            .iter()
                            .find(|(key, _)| key == &w.key)
                            .map(|(_, item)| item.clone());
                        w.fetched = Some(item);
                    }
                }
            }
        }

        let projection_of =
            |table: &str| projections.iter().find(|(t, _)| t == table).map(|(_, p)| p);
        let mut touches = Vec::new();
        let mut responses = Map::new();
        let mut unprocessed = Map::new();
        for (table, _) in &projections {
            responses.insert(table.clone(), json!([]));
        }
        for w in &wanted {
            let Some(projection) = projection_of(&w.table) else {
                continue;
            };
            let (value, mut touch) = if let Some(found) = &w.found {
                let mut touch = Self::item_touch(&w.key, Touch::Hit, &found.value, projection, env);
                touch.age = Some(found.age);
                (found.value.clone(), touch)
            } else if let Some(fetched) = &w.fetched {
                let stored =
                    self.fill_item(index, w.key.clone(), fetched.clone(), env.now, env.latency);
                let mut touch = Self::item_touch(&w.key, Touch::Miss, fetched, projection, env);
                touch.stored = stored;
                (fetched.clone(), touch)
            } else {
                // DynamoDB left this key unprocessed: the client must ask again.
                let spec = tables.get(&w.table).cloned().unwrap_or(Value::Null);
                let entry = unprocessed.entry(w.table.clone()).or_insert_with(|| {
                    let mut spec = spec;
                    if let Some(members) = spec.as_object_mut() {
                        members.insert("Keys".into(), json!([]));
                    }
                    spec
                });
                if let Some(keys) = entry.get_mut("Keys").and_then(Value::as_array_mut) {
                    keys.push(w.wire.clone());
                }
                touches.push(unfilled(CacheKind::Item, &w.table, &w.key.key));
                continue;
            };
            if let (Some(item), Some(list)) = (
                &value,
                responses.get_mut(&w.table).and_then(Value::as_array_mut),
            ) {
                list.push(item_to_wire(&projection.apply(item)));
            }
            touch.negative = value.is_none();
            touches.push(touch);
        }
        if dynamodb.is_none() {
            let consumed: Vec<Value> = projections
                .iter()
                .filter_map(|(table, _)| nothing_consumed(table, capacity_mode(request)))
                .collect();
            if !consumed.is_empty() {
                capacity = Some(Value::Array(consumed));
            }
        }
        let mut response = Map::new();
        response.insert("Responses".into(), Value::Object(responses));
        response.insert("UnprocessedKeys".into(), Value::Object(unprocessed));
        if let Some(capacity) = capacity {
            response.insert("ConsumedCapacity".into(), capacity);
        }
        Ok(Handled {
            result: Ok(Value::Object(response)),
            route: if dynamodb.is_some() {
                Route::CacheMiss
            } else {
                Route::CacheHit
            },
            touches,
            dynamodb,
        })
    }

    /// Query and Scan, through the query cache.
    pub(crate) fn query<B: Backend + ?Sized>(
        &mut self,
        index: usize,
        operation: &str,
        request: &Value,
        env: &mut Env<'_, B>,
    ) -> Handled {
        let key = QueryKey::of(operation, request);
        let ttl = env.params.query_ttl();
        let hit = match (ttl, self.nodes.get_mut(index)) {
            (Some(ttl), Some(node)) => node
                .queries
                .lookup(&key, env.now, Some(ttl))
                .map(|slot| (slot.value.clone(), slot.age(env.now))),
            _ => None,
        };
        let (answer, mut touch, dynamodb) = match hit {
            Some((cached, age)) => {
                let mut answer = cached;
                if let (Some(capacity), Some(members)) = (
                    nothing_consumed(&key.table, capacity_mode(request)),
                    answer.as_object_mut(),
                ) {
                    members.insert("ConsumedCapacity".into(), capacity);
                }
                let touch = query_touch(&key, Touch::Hit, Some(age), false);
                (answer, touch, None)
            }
            None => {
                let reply = env.backend.call(operation, request, env.now);
                let response = match reply.result {
                    Ok(response) => response,
                    Err(error) => {
                        return Handled {
                            result: Err(error),
                            route: Route::CacheMiss,
                            touches: vec![unfilled(CacheKind::Query, &key.table, &key.request)],
                            dynamodb: Some(reply.latency),
                        };
                    }
                };
                let stored = match ttl {
                    Some(_) => {
                        let cached = without_capacity(&response);
                        let bytes = items_bytes(&cached);
                        self.fill_query(index, key.clone(), cached, bytes, env.now, env.latency)
                    }
                    None => false,
                };
                let touch = query_touch(&key, Touch::Miss, None, stored);
                (response, touch, Some(reply.latency))
            }
        };
        touch.negative = answer
            .get("Items")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty);
        touch.stale = env
            .backend
            .peek(operation, request, env.now)
            .is_ok_and(|truth| without_capacity(&truth) != without_capacity(&answer));
        Handled {
            result: Ok(answer),
            route: if dynamodb.is_some() {
                Route::CacheMiss
            } else {
                Route::CacheHit
            },
            touches: vec![touch],
            dynamodb,
        }
    }
}

/// A miss that stored nothing: DynamoDB failed, or left the key unprocessed.
fn unfilled(cache: CacheKind, table: &str, key: &str) -> CacheTouch {
    CacheTouch {
        cache,
        table: table.to_string(),
        key: key.to_string(),
        touch: Touch::Miss,
        negative: false,
        age: None,
        stale: false,
        stored: false,
    }
}

fn query_touch(
    key: &QueryKey,
    touch: Touch,
    age: Option<dynaplay_sim::SimDuration>,
    stored: bool,
) -> CacheTouch {
    CacheTouch {
        cache: CacheKind::Query,
        table: key.table.clone(),
        key: key.request.clone(),
        touch,
        negative: false,
        age,
        stale: false,
        stored,
    }
}

fn without_capacity(response: &Value) -> Value {
    let mut response = response.clone();
    if let Some(members) = response.as_object_mut() {
        members.shift_remove("ConsumedCapacity");
    }
    response
}

/// The bytes of the items in a Query or Scan response.
fn items_bytes(response: &Value) -> u64 {
    response
        .get("Items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|wire| {
            item_from_wire(wire)
                .map(|item| item_size(&item) as u64)
                .unwrap_or_else(|_| wire.to_string().len() as u64)
        })
        .sum()
}

/// A table name as one JSON-pointer segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use dynaplay_sim::{SimDuration, SimTime};
    use serde_json::{Value, json};

    use crate::dax::backend::{Backend, BackendReply};
    use crate::dax::cluster::ClusterSpec;
    use crate::dax::outcome::{Route, Touch};
    use crate::dax::service::DaxService;
    use crate::db::Database;
    use crate::error::DynamoError;

    /// DynamoDB as seen through a lagging replica: calls answer from an older copy of the
    /// data and take 7 ms; peeks see the latest. BatchGetItem leaves `unprocessed` keys.
    struct Lagging {
        latest: Database,
        replica: Database,
        unprocessed: Vec<Value>,
    }

    impl Backend for Lagging {
        fn call(&mut self, operation: &str, request: &Value, now: SimTime) -> BackendReply {
            let mut reply = self.replica.call(operation, request, now);
            if let (Ok(response), "BatchGetItem") = (&mut reply.result, operation) {
                for (table, spec) in request["RequestItems"].as_object().unwrap() {
                    let keys: Vec<Value> = spec["Keys"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|k| self.unprocessed.contains(k))
                        .cloned()
                        .collect();
                    if !keys.is_empty() {
                        response["UnprocessedKeys"][table] = json!({"Keys": keys});
                        let kept: Vec<Value> = response["Responses"][table]
                            .as_array()
                            .unwrap()
                            .iter()
                            .filter(|item| !keys.iter().any(|k| k["id"] == item["id"]))
                            .cloned()
                            .collect();
                        response["Responses"][table] = Value::Array(kept);
                    }
                }
            }
            BackendReply {
                result: reply.result,
                latency: Some(SimDuration::from_millis(7)),
            }
        }

        fn peek(
            &mut self,
            operation: &str,
            request: &Value,
            now: SimTime,
        ) -> Result<Value, DynamoError> {
            self.latest.peek(operation, request, now)
        }
    }

    fn table(db: &mut Database, items: &[(&str, &str)]) {
        db.call(
            "CreateTable",
            &json!({"TableName": "users", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
            SimTime::ZERO,
        )
        .result
        .unwrap();
        for (id, v) in items {
            db.call(
                "PutItem",
                &json!({"TableName": "users", "Item": {"id": {"S": id}, "v": {"S": v}}}),
                SimTime::ZERO,
            )
            .result
            .unwrap();
        }
    }

    fn setup() -> (DaxService, Lagging) {
        let mut latest = Database::default();
        let mut replica = Database::default();
        table(&mut latest, &[("a", "new"), ("b", "new"), ("c", "new")]);
        table(&mut replica, &[("a", "old"), ("b", "new"), ("c", "new")]);
        let mut dax = DaxService::new(5);
        let mut spec = ClusterSpec::new("one");
        spec.replication_factor = 1;
        dax.provision(&spec, SimTime::ZERO).unwrap();
        let backend = Lagging {
            latest,
            replica,
            unprocessed: vec![json!({"id": {"S": "c"}})],
        };
        (dax, backend)
    }

    #[test]
    fn a_miss_served_by_a_lagging_replica_is_stale_and_takes_dynamodbs_time() {
        let (mut dax, mut backend) = setup();
        let get = json!({"TableName": "users", "Key": {"id": {"S": "a"}}});
        let miss = dax.execute("one", "GetItem", &get, &mut backend, SimTime::ZERO);
        assert_eq!(miss.request.route, Route::CacheMiss);
        assert_eq!(miss.result.unwrap()["Item"]["v"], json!({"S": "old"}));
        assert!(
            miss.request.stale,
            "the eventually consistent read was stale"
        );
        assert!(miss.request.latency > SimDuration::from_millis(7));
        let hit = dax.execute("one", "GetItem", &get, &mut backend, SimTime::from_secs(1));
        assert_eq!(hit.request.route, Route::CacheHit);
        assert!(hit.request.stale, "and the cache keeps serving it");
        assert!(hit.request.latency < SimDuration::from_millis(2));
    }

    /// DynamoDB refusing every call, as when the table is throttled.
    struct Refusing(Database);

    impl Backend for Refusing {
        fn call(&mut self, _: &str, _: &Value, _: SimTime) -> BackendReply {
            BackendReply {
                result: Err(DynamoError::new(
                    crate::error::ErrorKind::ProvisionedThroughputExceeded,
                    "The level of configured provisioned throughput for the table was exceeded.",
                )),
                latency: None,
            }
        }

        fn peek(
            &mut self,
            operation: &str,
            request: &Value,
            now: SimTime,
        ) -> Result<Value, DynamoError> {
            self.0.peek(operation, request, now)
        }
    }

    #[test]
    fn a_miss_that_dynamodb_refuses_caches_nothing_and_passes_the_error_on() {
        let (mut dax, backend) = setup();
        let mut refusing = Refusing(backend.latest);
        let get = json!({"TableName": "users", "Key": {"id": {"S": "a"}}});
        let outcome = dax.execute("one", "GetItem", &get, &mut refusing, SimTime::ZERO);
        assert_eq!(
            outcome.result.unwrap_err().kind,
            crate::error::ErrorKind::ProvisionedThroughputExceeded
        );
        assert_eq!(
            outcome.request.to_string(),
            "one-a (primary): item cache miss → DynamoDB, not cached → ProvisionedThroughputExceededException"
        );
        let query = json!({"TableName": "users", "KeyConditionExpression": "id = :a",
            "ExpressionAttributeValues": {":a": {"S": "a"}}});
        let outcome = dax.execute("one", "Query", &query, &mut refusing, SimTime::ZERO);
        assert!(outcome.result.is_err());
        let node = &dax.cluster("one").unwrap().nodes()[0];
        assert!(node.item_cache().is_empty() && node.query_cache().is_empty());
    }

    #[test]
    fn unprocessed_batch_keys_go_back_to_the_client_uncached() {
        let (mut dax, mut backend) = setup();
        let batch = json!({"RequestItems": {"users": {
            "Keys": [{"id": {"S": "b"}}, {"id": {"S": "c"}}],
            "ProjectionExpression": "v"}}});
        let outcome = dax.execute("one", "BatchGetItem", &batch, &mut backend, SimTime::ZERO);
        let response = outcome.result.unwrap();
        assert_eq!(response["Responses"]["users"], json!([{"v": {"S": "new"}}]));
        assert_eq!(
            response["UnprocessedKeys"]["users"],
            json!({"Keys": [{"id": {"S": "c"}}], "ProjectionExpression": "v"}),
            "the client can resend the unprocessed part as it is"
        );
        let touches = &outcome.request.touches;
        assert_eq!(touches.len(), 2);
        assert!(touches.iter().all(|t| t.touch == Touch::Miss));
        assert!(touches[0].stored && !touches[1].stored);
        let cluster = dax.cluster("one").unwrap();
        assert_eq!(
            cluster.nodes()[0].item_cache().len(),
            1,
            "only b was cached"
        );
    }
}
