//! The views behind the navigation links.
//!
//! Each view shows one thing the cloud hides. A view whose engine is not built yet says so
//! plainly instead of showing a mock-up: a learner should never mistake a picture for the
//! simulation.

mod pending;

use yew::prelude::*;

use crate::view::View;
use pending::Pending;

#[derive(Properties, PartialEq)]
pub struct ViewBodyProps {
    pub view: View,
}

#[function_component(ViewBody)]
pub fn view_body(props: &ViewBodyProps) -> Html {
    let (shows, missing) = match props.view {
        View::Tables => (
            "your tables and their items: create tables, put, query and scan, and run any \
             DynamoDB operation from a JSON console.",
            "the DynamoDB engine",
        ),
        View::Partitions => (
            "where each item physically lives: the key space cut into partitions, their \
             capacity and throttling, and each partition's three replicas.",
            "the partition and replication model",
        ),
        View::Consistency => (
            "a timeline of reads and writes with every stale eventually consistent read \
             flagged and linked to the write it missed.",
            "the replication model",
        ),
        View::Dax => (
            "a DAX cluster's item and query caches, hits and misses, and the stale answers a \
             write-through cache can give.",
            "the DAX cache model",
        ),
        View::Emr => (
            "an EMR cluster running a MapReduce job across primary, core and task nodes, and \
             what a node failure does to it.",
            "the EMR engine",
        ),
        View::Lessons => (
            "guided lessons that walk through each of the other views.",
            "the lessons",
        ),
    };
    html! { <Pending title={props.view.title()} {shows} {missing} /> }
}
