//! A vector that grows in fixed blocks once it is large.

use std::ops::{Index, IndexMut};

/// Elements per block. The first block grows like a `Vec` up to this size;
/// later blocks are allocated at this size and never move.
const BLOCK: usize = 1 << 14;

/// A vector of nodes for one document. A `Vec` doubles its buffer and
/// copies it when full, so while a document of millions of nodes grows, the
/// old and new buffers are alive together. Blocks avoid that peak: memory
/// stays within one block of what the nodes need.
#[derive(Debug)]
pub(crate) struct Arena<T> {
    blocks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena {
            blocks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Arena<T> {
    /// Creates an arena whose first block has room for `capacity` elements,
    /// at most one block.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Arena {
            blocks: vec![Vec::with_capacity(capacity.min(BLOCK))],
            len: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn push(&mut self, value: T) {
        match self.blocks.last_mut() {
            Some(block) if block.len() < BLOCK => block.push(value),
            _ => {
                let mut block = Vec::with_capacity(if self.blocks.is_empty() { 0 } else { BLOCK });
                block.push(value);
                self.blocks.push(block);
            }
        }
        self.len += 1;
    }
}

impl<T> Index<usize> for Arena<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        &self.blocks[index / BLOCK][index % BLOCK]
    }
}

impl<T> IndexMut<usize> for Arena<T> {
    fn index_mut(&mut self, index: usize) -> &mut T {
        &mut self.blocks[index / BLOCK][index % BLOCK]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_across_blocks() {
        let mut arena = Arena::with_capacity(3);
        for i in 0..(3 * BLOCK + 5) {
            arena.push(i);
        }
        assert_eq!(arena.len(), 3 * BLOCK + 5);
        for i in [0, 1, BLOCK - 1, BLOCK, 2 * BLOCK + 7, 3 * BLOCK + 4] {
            assert_eq!(arena[i], i);
        }
        arena[BLOCK] = 0;
        assert_eq!(arena[BLOCK], 0);
        assert_eq!(arena.blocks.len(), 4);
    }

    #[test]
    fn default_starts_empty() {
        let mut arena = Arena::default();
        arena.push('a');
        assert_eq!((arena.len(), arena[0]), (1, 'a'));
    }
}
