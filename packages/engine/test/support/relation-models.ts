/**
 * The models of the relation conformance tests (app `rel`): publishers, authors and books with a
 * required and a nullable ForeignKey, a one-to-one profile, reviews, tags (many-to-many both ways),
 * people who befriend and block each other (self many-to-many, one without a reverse side), and a shelf with a child model per onDelete.
 */
import {
  CharField,
  defineModel,
  ForeignKey,
  IntegerField,
  ManyToManyField,
  OneToOneField,
  TextField,
} from '../../src/index.js'

export const Publisher = defineModel('rel.Publisher', {
  fields: { name: new CharField({ maxLength: 100 }) },
  meta: { ordering: ['name'] },
})

export const Author = defineModel('rel.Author', {
  fields: {
    name: new CharField({ maxLength: 100 }),
    publisher: new ForeignKey(() => Publisher, { onDelete: 'SET_NULL', null: true, relatedName: 'authors' }),
  },
  meta: { ordering: ['name'] },
})

export const Tag = defineModel('rel.Tag', {
  fields: { name: new CharField({ maxLength: 50, unique: true }) },
  meta: { ordering: ['name'] },
})

export const Book = defineModel('rel.Book', {
  fields: {
    title: new CharField({ maxLength: 200 }),
    author: new ForeignKey(() => Author, { onDelete: 'CASCADE', relatedName: 'books' }),
    editor: new ForeignKey(() => Author, { onDelete: 'SET_NULL', null: true, relatedName: 'editedBooks' }),
    pages: new IntegerField({ default: 0 }),
    tags: new ManyToManyField(() => Tag, { relatedName: 'books' }),
  },
  meta: { ordering: ['title'] },
})

export const BookProfile = defineModel('rel.BookProfile', {
  fields: {
    book: new OneToOneField(() => Book, { onDelete: 'CASCADE', relatedName: 'profile' }),
    blurb: new TextField({ default: '' }),
  },
})

export const Review = defineModel('rel.Review', {
  fields: {
    book: new ForeignKey(() => Book, { onDelete: 'CASCADE', relatedName: 'reviews' }),
    stars: new IntegerField(),
  },
  meta: { ordering: ['stars'] },
})

export const Person = defineModel('rel.Person', {
  fields: {
    name: new CharField({ maxLength: 50 }),
    friends: new ManyToManyField('self', { relatedName: 'friendOf' }),
    /** No reverse side: the manager still reads through the junction. */
    blocked: new ManyToManyField('self', { relatedName: '+', dbTable: 'rel_blocks' }),
  },
  meta: { ordering: ['name'] },
})

/** A shelf keyed by a string code, so the children's ForeignKeys hold strings. */
export const Shelf = defineModel('rel.Shelf', {
  fields: { code: new CharField({ maxLength: 20, primaryKey: true }) },
})

export const CascadeItem = defineModel('rel.CascadeItem', {
  fields: { shelf: new ForeignKey(() => Shelf, { onDelete: 'CASCADE', relatedName: 'cascadeItems' }) },
})

export const ProtectedItem = defineModel('rel.ProtectedItem', {
  fields: { shelf: new ForeignKey(() => Shelf, { onDelete: 'PROTECT', relatedName: 'protectedItems' }) },
})

export const RestrictedItem = defineModel('rel.RestrictedItem', {
  fields: { shelf: new ForeignKey(() => Shelf, { onDelete: 'RESTRICT', relatedName: 'restrictedItems' }) },
})

export const NullingItem = defineModel('rel.NullingItem', {
  fields: {
    shelf: new ForeignKey(() => Shelf, { onDelete: 'SET_NULL', null: true, relatedName: 'nullingItems' }),
  },
})

/** SET_DEFAULT moves the items to the shelf `spare`. */
export const DefaultingItem = defineModel('rel.DefaultingItem', {
  fields: {
    shelf: new ForeignKey(() => Shelf, { onDelete: 'SET_DEFAULT', default: 'spare', relatedName: 'defaultingItems' }),
  },
})

export const IgnoredItem = defineModel('rel.IgnoredItem', {
  fields: { shelf: new ForeignKey(() => Shelf, { onDelete: 'DO_NOTHING', relatedName: 'ignoredItems' }) },
})

/** In creation order: every table's targets come before it. */
export const RELATION_MODELS = [
  Publisher,
  Author,
  Tag,
  Book,
  BookProfile,
  Review,
  Person,
  Shelf,
  CascadeItem,
  ProtectedItem,
  RestrictedItem,
  NullingItem,
  DefaultingItem,
  IgnoredItem,
]
