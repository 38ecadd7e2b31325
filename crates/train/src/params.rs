//! Every parameter of a model in one flat vector, each tensor a named slot of it.
//!
//! One vector makes the optimiser, the gradient's norm, snapshots and the weights' hash single
//! loops; a slot's name is the tensor's name in the exported model's layout.

/// How a slot's values start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Init {
    Zeros,
    Ones,
    /// Normal with mean 0 and this standard deviation.
    Normal(f64),
    /// Uniform in `[-limit, limit)`.
    Uniform(f64),
}

/// One tensor: its name, shape, place in the flat vector and initialisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub name: String,
    pub shape: Vec<usize>,
    pub offset: usize,
    pub init: Init,
}

impl Slot {
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.len()
    }
}

/// The index of a slot in its [`Layout`].
pub type SlotId = usize;

/// The slots of a model, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    slots: Vec<Slot>,
    len: usize,
}

impl Layout {
    /// Adds a tensor; returns its id.
    pub fn add(&mut self, name: impl Into<String>, shape: &[usize], init: Init) -> SlotId {
        let slot = Slot { name: name.into(), shape: shape.to_vec(), offset: self.len, init };
        self.len += slot.len();
        self.slots.push(slot);
        self.slots.len() - 1
    }

    /// Values in all slots together.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    pub fn slot(&self, id: SlotId) -> &Slot {
        &self.slots[id]
    }

    /// The slot named `name`.
    pub fn find(&self, name: &str) -> Option<&Slot> {
        self.slots.iter().find(|s| s.name == name)
    }

    /// A slot's values within the flat vector `values`.
    pub fn get<'v, T>(&self, values: &'v [T], id: SlotId) -> &'v [T] {
        &values[self.slots[id].range()]
    }

    pub fn get_mut<'v, T>(&self, values: &'v mut [T], id: SlotId) -> &'v mut [T] {
        &mut values[self.slots[id].range()]
    }
}
